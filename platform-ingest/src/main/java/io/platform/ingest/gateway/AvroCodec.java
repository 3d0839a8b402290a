package io.platform.ingest.gateway;

import io.platform.wire.WireFormat;
import io.platform.wire.schema.StreamSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro binary encoding of records decoded from JSON, with writers cached per schema id and per-thread buffers.
 * (Binary input is validated without decoding by {@link WireRecordScanner}.) Thread-safe.
 */
public final class AvroCodec {
    private final Map<Integer, GenericDatumWriter<GenericRecord>> writers = new ConcurrentHashMap<>();
    private final ThreadLocal<ByteArrayOutputStream> buffers = ThreadLocal.withInitial(() -> new ByteArrayOutputStream(256));
    private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

    /** Encodes a record in the wire format of its schema. */
    public byte[] encode(StreamSchema schema, GenericRecord record) {
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
}
