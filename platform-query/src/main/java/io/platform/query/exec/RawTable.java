package io.platform.query.exec;

import io.platform.storage.TimeSeriesStore;
import io.platform.wire.WireFormat;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/** A stream's raw events; columns are the fields of its latest schema (older records are read by field name). */
final class RawTable implements Table {
    private final TimeSeriesStore store;
    private final SchemaCatalog catalog;
    private final StreamSchema latest;
    private final List<String> columns;
    private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new HashMap<>();
    private BinaryDecoder decoder;

    RawTable(TimeSeriesStore store, SchemaCatalog catalog, StreamSchema latest) {
        this.store = store;
        this.catalog = catalog;
        this.latest = latest;
        this.columns = latest.schema().getFields().stream().map(Schema.Field::name).toList();
    }

    @Override
    public String stream() {
        return latest.stream();
    }

    @Override
    public List<String> columns() {
        return columns;
    }

    @Override
    public String timeColumn() {
        return latest.timeField();
    }

    @Override
    public List<String> keyColumns() {
        return latest.keyFields();
    }

    @Override
    public void scan(String series, long fromMs, long toMs, RowVisitor visitor) {
        store.scanRaw(latest.stream(), series, fromMs, toMs, (s, time, value) -> {
            GenericRecord record = decode(value);
            if (record == null) {
                return true;
            }
            Object[] row = new Object[columns.size()];
            for (int i = 0; i < row.length; i++) {
                Schema.Field field = record.getSchema().getField(columns.get(i));
                row[i] = field == null ? null : Values.normalize(record.get(field.pos()));
            }
            return visitor.visit(row);
        });
    }

    private GenericRecord decode(byte[] value) {
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
