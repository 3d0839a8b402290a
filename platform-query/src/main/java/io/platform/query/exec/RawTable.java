package io.platform.query.exec;

import io.platform.storage.SealedPartition;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.columnar.ColumnarSegment;
import io.platform.storage.tiering.PartitionSealer;
import io.platform.storage.tiering.SegmentTier;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import io.platform.wire.schema.WireRecordDecoder;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * A stream's raw events; columns are the fields of its latest schema (older records are read by field name). Sealed
 * partitions are read from their columnar segments block by block, the rest from the row store row by row.
 */
final class RawTable implements Table {
    private final TimeSeriesStore store;
    private final SegmentTier segments;
    private final StreamSchema latest;
    private final List<String> columns;
    private final WireRecordDecoder records;

    /** @param segments the sealed tier, or null when the store has none */
    RawTable(TimeSeriesStore store, SegmentTier segments, SchemaCatalog catalog, StreamSchema latest) {
        this.store = store;
        this.segments = segments;
        this.records = new WireRecordDecoder(catalog);
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
        store.scanRaw(latest.stream(), series, fromMs, toMs, (s, time, value) -> visitRow(value, visitor));
    }

    @Override
    public void scan(ScanRequest request, BatchVisitor batches, RowVisitor rows) {
        try (TimeSeriesStore.ReadView view = store.readView()) {
            boolean more = true;
            if (segments != null) {
                List<SealedPartition> sealed = view.sealed(latest.stream(), request.fromMs, request.toMs);
                request.sealedPartitions += sealed.size();
                for (int p = 0; p < sealed.size() && more; p++) {
                    more = scanSegment(segments.segment(sealed.get(p)), request, batches);
                }
            }
            if (more) {
                view.scanRaw(latest.stream(), request.series, request.fromMs, request.toMs, (s, time, value) -> visitRow(value, rows));
            }
        }
    }

    /**
     * Recent rows by RocksDB's estimates for the series and range, plus sealed rows by block statistics (blocks the
     * range, the series and the predicates leave in): what the scan is expected to read, without reading.
     */
    @Override
    public long estimateRows(ScanRequest request) {
        // an estimate needs no consistent instant: the manifest as it is now, like sealedPartitions for EXPLAIN
        long rows = store.estimateRawRows(latest.stream(), request.series, request.fromMs, request.toMs);
        if (segments != null) {
            for (SealedPartition partition : store.sealed(latest.stream(), request.fromMs, request.toMs)) {
                rows += segments.segment(partition).estimateRows(request.fromMs, request.toMs, block -> mayMatch(block, request));
            }
        }
        return rows;
    }

    /** Sealed partitions overlapping the range, for EXPLAIN. */
    int sealedPartitions(long fromMs, long toMs) {
        return segments == null ? 0 : store.sealed(latest.stream(), fromMs, toMs).size();
    }

    private boolean scanSegment(ColumnarSegment segment, ScanRequest request, BatchVisitor batches) {
        List<String> wanted = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            if (request.columnsRead[c]) {
                wanted.add(columns.get(c));
            }
        }
        boolean[] stopped = {false};
        ColumnarSegment.ScanStats stats = segment.scan(request.fromMs, request.toMs, wanted,
                block -> !stopped[0] && mayMatch(block, request), block -> {
                    Object[] batch = new Object[columns.size()];
                    for (int c = 0; c < batch.length; c++) {
                        if (request.columnsRead[c]) {
                            String name = columns.get(c);
                            Object values = block.longs().get(name);
                            values = values != null ? values : block.doubles().get(name);
                            batch[c] = values != null ? values : block.strings().get(name);
                        }
                    }
                    stopped[0] = !batches.visit(new ColumnBatch(block.rows(), batch));
                });
        request.stats = request.stats.plus(stats);
        return !stopped[0];
    }

    /** False when the block's statistics prove no row of it can pass the series key or a predicate. */
    private boolean mayMatch(ColumnarSegment.BlockStats block, ScanRequest request) {
        if (request.series != null && !between(request.series,
                block.minString(PartitionSealer.SERIES_COLUMN), block.maxString(PartitionSealer.SERIES_COLUMN))) {
            return false;
        }
        if (request.dynamicBound != null && !mayMatch(block, request.dynamicBound)) {
            return false;
        }
        for (ColumnPredicate predicate : request.predicates) {
            if (!mayMatch(block, predicate)) {
                return false;
            }
        }
        return true;
    }

    /** False when the block's statistics prove no row of it can pass {@code predicate}. */
    private boolean mayMatch(ColumnarSegment.BlockStats block, ColumnPredicate predicate) {
        String name = columns.get(predicate.column());
        if (predicate.value() instanceof String s && predicate.operator().equals("=")) {
            return between(s, block.minString(name), block.maxString(name));
        }
        if (!(predicate.value() instanceof Number n) || Math.abs(n.doubleValue()) >= 0x1p53) {
            return true;
        }
        // below 2^53 the value converts to double exactly, so the comparisons below never round it across a bound;
        // NaN statistics (no such column, or NaN values) compare false: the block is read
        double v = n.doubleValue();
        double min = block.min(name);
        double max = block.max(name);
        return switch (predicate.operator()) {
            case "=" -> !(v < min || v > max);
            case ">" -> !(max <= v);
            case ">=" -> !(max < v);
            case "<" -> !(min >= v);
            case "<=" -> !(min > v);
            default -> true;
        };
    }

    private static boolean between(String value, String min, String max) {
        return min == null || (value.compareTo(min) >= 0 && value.compareTo(max) <= 0);
    }

    private boolean visitRow(byte[] value, RowVisitor visitor) {
        GenericRecord record = records.decode(value);
        if (record == null) {
            return true;
        }
        Object[] row = new Object[columns.size()];
        for (int i = 0; i < row.length; i++) {
            Schema.Field field = record.getSchema().getField(columns.get(i));
            row[i] = field == null ? null : Values.normalize(record.get(field.pos()));
        }
        return visitor.visit(row);
    }
}
