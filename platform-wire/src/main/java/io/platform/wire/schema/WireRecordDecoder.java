package io.platform.wire.schema;

import io.platform.wire.WireFormat;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes stored wire-format values (magic, schema id, body) with the schema they were written with, Avro or Protobuf
 * ({@link StreamSchema#format()}), keeping one reader per schema id and reusing its decoder. {@link #decode} is for
 * readers of validated data (storage, queries, jobs), where a value that does not decode is skipped;
 * {@link #decodeOrExplain} is for the first reader of data that bypassed the gateway, which must say why a value is
 * refused. Not thread-safe: one per reading thread.
 */
public final class WireRecordDecoder {
    /** Why a value is not a record of a registered schema. */
    public static final class UndecodableException extends Exception {
        public UndecodableException(String reason) {
            super(reason);
        }
    }

    private final SchemaCatalog catalog;
    private final Schema readerSchema;
    private final long awaitSchemaMs;
    private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new HashMap<>();
    private BinaryDecoder decoder;
    private StreamSchema lastWriter;

    /** Records come out as they were written, in their writer's schema; a schema id the catalog lacks is skipped. */
    public WireRecordDecoder(SchemaCatalog catalog) {
        this(catalog, null, 0);
    }

    /**
     * Records come out resolved to {@code readerSchema} by Avro's rules (or as written when null), so records of older
     * and newer compatible versions arrive in one shape; a schema id the catalog does not know yet is waited for up to
     * {@code awaitSchemaMs} (a reader that may run ahead of the catalog, like a job's source).
     */
    public WireRecordDecoder(SchemaCatalog catalog, Schema readerSchema, long awaitSchemaMs) {
        this.catalog = catalog;
        this.readerSchema = readerSchema;
        this.awaitSchemaMs = awaitSchemaMs;
    }

    /** The record, or null when the value is not framed, its schema is unknown, or its body does not decode. */
    public GenericRecord decode(byte[] value) {
        try {
            return decodeOrExplain(value, null);
        } catch (UndecodableException e) {
            return null;
        }
    }

    /**
     * The record, or an exception saying why there is none.
     *
     * @param stream when not null, the stream the value must belong to
     */
    public GenericRecord decodeOrExplain(byte[] value, String stream) throws UndecodableException {
        String framing = WireFormat.framingError(value, 0, value.length);
        if (framing != null) {
            throw new UndecodableException(framing);
        }
        int id = WireFormat.schemaId(value);
        StreamSchema writer = lastWriter != null && lastWriter.id() == id ? lastWriter
                : awaitSchemaMs > 0 ? catalog.awaitById(id, awaitSchemaMs) : catalog.byId(id);
        if (writer == null || (stream != null && !writer.stream().equals(stream))) {
            throw new UndecodableException("schema id=" + id + " is not a registered schema of stream="
                    + (stream != null ? stream : "any"));
        }
        lastWriter = writer;
        if (writer.protobuf() != null) {
            try {
                GenericRecord record = writer.protobuf().decode(value, 0, value.length);
                return readerSchema == null || readerSchema.equals(writer.schema()) ? record : project(record, readerSchema);
            } catch (IOException e) {
                throw new UndecodableException("Protobuf body is not a record of schema id=" + id + ": " + e.getMessage());
            }
        }
        decoder = DecoderFactory.get().binaryDecoder(value, WireFormat.BODY_OFFSET, value.length - WireFormat.BODY_OFFSET, decoder);
        try {
            GenericRecord record = readers.computeIfAbsent(writer.id(),
                    key -> new GenericDatumReader<>(writer.schema(), readerSchema == null ? writer.schema() : readerSchema))
                    .read(null, decoder);
            if (!decoder.isEnd()) {
                throw new UndecodableException("Avro body has trailing bytes after a record of schema id=" + id);
            }
            return record;
        } catch (IOException | RuntimeException e) {
            throw new UndecodableException("Avro body is not a record of schema id=" + id + ": " + e);
        }
    }

    /** The writer's schema of the last record decoded (or attempted), null before the first. */
    public StreamSchema lastWriter() {
        return lastWriter;
    }

    /**
     * A Protobuf record in another version's shape: fields by name, a field the writer lacked at the reader's default
     * (protobuf's own rule for fields a writer did not know).
     */
    private static GenericRecord project(GenericRecord written, Schema reader) {
        GenericData.Record record = new GenericData.Record(reader);
        Schema writerSchema = written.getSchema();
        for (Schema.Field field : reader.getFields()) {
            Schema.Field source = writerSchema.getField(field.name());
            record.put(field.pos(), source != null ? written.get(source.pos()) : GenericData.get().getDefaultValue(field));
        }
        return record;
    }
}
