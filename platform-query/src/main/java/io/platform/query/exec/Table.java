package io.platform.query.exec;

import io.platform.storage.columnar.ColumnarSegment;
import java.util.List;

/** A queryable table over storage. Rows are {@code Object[]} aligned with {@link #columns()}. */
interface Table {
    /** The stream whose data the table shows (raw events or its aggregates). */
    String stream();

    /** Every stream the table reads: a cached result over it is stale when any of them changes. */
    default List<String> streams() {
        return List.of(stream());
    }

    /** A scan stopped because it would exceed a limit; the message says which and what to do. */
    final class ScanRefusedException extends RuntimeException {
        ScanRefusedException(String message) {
            super(message, null, false, false);
        }
    }

    List<String> columns();

    /** The column holding event time in epoch ms, used for time-range pushdown. */
    String timeColumn();

    /** The columns that make the series key, in key order; equality on all of them becomes one seek. */
    List<String> keyColumns();

    interface RowVisitor {
        boolean visit(Object[] row);
    }

    /** Scans rows with {@code fromMs <= time < toMs}, of one series or all (series null). */
    void scan(String series, long fromMs, long toMs, RowVisitor visitor);

    /**
     * Rows of a column block: one array per table column ({@code long[]}, {@code double[]} or {@code String[]}, all
     * {@code rows} long), null for a column not asked for or that the block does not have. Values are never null.
     */
    record ColumnBatch(int rows, Object[] columns) {
        /** One value of a column block, boxed as the row path has it; null for a column not read. */
        static Object valueAt(Object values, int r) {
            if (values instanceof long[] longs) {
                return longs[r];
            }
            if (values instanceof double[] doubles) {
                return doubles[r];
            }
            return values == null ? null : ((String[]) values)[r];
        }

        /** A block's row as the row path sees it; columns the query does not read stay null. */
        static Object[] row(ColumnBatch batch, int r) {
            Object[] columns = batch.columns();
            Object[] row = new Object[columns.length];
            for (int c = 0; c < row.length; c++) {
                row[c] = valueAt(columns[c], r);
            }
            return row;
        }
    }

    interface BatchVisitor {
        /** @return false to stop the scan */
        boolean visit(ColumnBatch batch);
    }

    /**
     * What a scan may skip by: the rows wanted by series and time, the columns the query reads, and predicates a
     * block's min/max statistics can rule out. The table adds what it read and skipped to {@link #stats}.
     */
    final class ScanRequest {
        final String series;
        final long fromMs;
        final long toMs;
        final boolean[] columnsRead;
        final List<ColumnPredicate> predicates;
        ColumnarSegment.ScanStats stats = ColumnarSegment.ScanStats.NONE;
        int sealedPartitions;
        // set during the scan by a top-N once it holds LIMIT rows: blocks whose statistics fail it are skipped
        ColumnPredicate dynamicBound;

        ScanRequest(String series, long fromMs, long toMs, boolean[] columnsRead, List<ColumnPredicate> predicates) {
            this.series = series;
            this.fromMs = fromMs;
            this.toMs = toMs;
            this.columnsRead = columnsRead;
            this.predicates = predicates;
        }
    }

    /** {@code column <operator> value} with operator one of = != < <= > >=. */
    record ColumnPredicate(int column, String operator, Object value) {
    }

    /**
     * Scans what is sealed as column batches and the rest as rows, at one consistent instant: each row is seen once,
     * by one of the two visitors. Tables without sealed data hand everything to {@code rows}.
     */
    default void scan(ScanRequest request, BatchVisitor batches, RowVisitor rows) {
        scan(request.series, request.fromMs, request.toMs, rows);
    }

    /** About how many rows {@link #scan(ScanRequest, BatchVisitor, RowVisitor)} would read, from statistics; -1 when unknown. */
    default long estimateRows(ScanRequest request) {
        return -1;
    }
}
