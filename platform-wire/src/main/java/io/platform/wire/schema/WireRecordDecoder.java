package io.platform.wire.schema;

import io.platform.wire.WireFormat;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes stored wire-format values (magic, schema id, Avro body) with the schema they were written with, keeping one
 * reader per schema id and reusing its decoder. For readers of validated data (storage, queries, jobs), where a value
 * that does not decode is skipped rather than reported. Not thread-safe: one per reading thread.
 */
public final class WireRecordDecoder {
    private final SchemaCatalog catalog;
    private final Schema readerSchema;
    private final long awaitSchemaMs;
    private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new HashMap<>();
    private BinaryDecoder decoder;

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
        if (WireFormat.framingError(value, 0, value.length) != null) {
            return null;
        }
        int id = WireFormat.schemaId(value);
        StreamSchema writer = awaitSchemaMs > 0 ? catalog.awaitById(id, awaitSchemaMs) : catalog.byId(id);
        if (writer == null) {
            return null;
        }
        decoder = DecoderFactory.get().binaryDecoder(value, WireFormat.BODY_OFFSET, value.length - WireFormat.BODY_OFFSET, decoder);
        try {
            return readers.computeIfAbsent(writer.id(), key -> new GenericDatumReader<>(writer.schema(), readerSchema == null ? writer.schema() : readerSchema))
                    .read(null, decoder);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
