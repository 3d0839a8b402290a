package io.platform.wire.schema;

import io.platform.wire.WireFormat;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes stored wire-format values (magic, schema id, Avro body) with the schema they were written with, keeping one
 * reader per schema id and reusing its decoder. For readers of validated data (storage, queries), where a value that
 * does not decode is skipped rather than reported. Not thread-safe: one per reading thread.
 */
public final class WireRecordDecoder {
    private final SchemaCatalog catalog;
    private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new HashMap<>();
    private BinaryDecoder decoder;

    public WireRecordDecoder(SchemaCatalog catalog) {
        this.catalog = catalog;
    }

    /** The record, or null when the value is not framed, its schema is unknown, or its body does not decode. */
    public GenericRecord decode(byte[] value) {
        if (WireFormat.framingError(value, 0, value.length) != null) {
            return null;
        }
        StreamSchema writer = catalog.byId(WireFormat.schemaId(value));
        if (writer == null) {
            return null;
        }
        decoder = DecoderFactory.get().binaryDecoder(value, WireFormat.BODY_OFFSET, value.length - WireFormat.BODY_OFFSET, decoder);
        try {
            return readers.computeIfAbsent(writer.id(), id -> new GenericDatumReader<>(writer.schema())).read(null, decoder);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
