package io.platform.query.exec;

import java.util.List;

/** A queryable table over storage. Rows are {@code Object[]} aligned with {@link #columns()}. */
interface Table {
    /** The stream whose data the table shows (raw events or its aggregates). */
    String stream();

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
}
