package io.platform.ingest.gateway;

import io.platform.wire.WireFormat;
import io.platform.wire.schema.StreamSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro binary encoding and strict decoding with readers and writers cached per schema id, so the hot path does no
 * schema lookup or reader construction. Per-thread decoder and buffer reuse keeps allocation to the record itself.
 * Thread-safe.
 */
final class AvroCodec {
    private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();
    private final Map<Integer, GenericDatumWriter<GenericRecord>> writers = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();
    private final ThreadLocal<ByteArrayOutputStream> buffers = ThreadLocal.withInitial(() -> new ByteArrayOutputStream(256));
    private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

    /** Encodes a record in the wire format of its schema. */
    byte[] encode(StreamSchema schema, GenericRecord record) {
        GenericDatumWriter<GenericRecord> writer = writers.computeIfAbsent(schema.id(), id -> new GenericDatumWriter<>(schema.schema()));
        ByteArrayOutputStream buffer = buffers.get();
        buffer.reset();
        buffer.write(WireFormat.MAGIC);
        int id = schema.id();
        buffer.write(id >>> 24);
        buffer.write(id >>> 16);
        buffer.write(id >>> 8);
        buffer.write(id);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoders.get());
        encoders.set(encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
            throw new UncheckedIOException(new IOException("cannot encode record of schema id=" + id + ": " + e.getMessage(), e));
        }
        return buffer.toByteArray();
    }

    /**
     * Decodes an Avro body and checks it is exactly one record of the schema, with no bytes left over.
     *
     * @throws InvalidEventException with the reason when the bytes are not such a record
     */
    GenericRecord decode(StreamSchema schema, byte[] bytes, int offset, int length) throws InvalidEventException {
        GenericDatumReader<GenericRecord> reader = readers.computeIfAbsent(schema.id(), id -> new GenericDatumReader<>(schema.schema()));
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, offset, length, decoders.get());
        decoders.set(decoder);
        try {
            GenericRecord record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new InvalidEventException("Avro body has trailing bytes after a record of schema id=" + schema.id());
            }
            return record;
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new InvalidEventException("Avro body is not a record of schema id=" + schema.id() + ": " + e);
        }
    }

}
