package io.platform.query.exec;

import io.platform.storage.TimeSeriesStore;
import io.platform.wire.schema.StreamSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream's window aggregates ({@code <stream>_<view>}): the series-key columns, {@code window_start},
 * {@code window_end}, {@code count}, and {@code <field>_sum|_min|_max|_avg} per numeric field.
 */
final class AggregateTable implements Table {
    static final String WINDOW_START = "window_start";
    private static final String[] SUFFIXES = {"_sum", "_min", "_max", "_avg"};

    private final TimeSeriesStore store;
    private final StreamSchema latest;
    private final String view;
    private final List<String> columns = new ArrayList<>();
    private final int fixedColumns;

    AggregateTable(TimeSeriesStore store, StreamSchema latest, String view) {
        this.store = store;
        this.latest = latest;
        this.view = view;
        columns.addAll(latest.keyFields());
        columns.add(WINDOW_START);
        columns.add("window_end");
        columns.add("count");
        fixedColumns = columns.size();
        for (String field : latest.numericFields()) {
            for (String suffix : SUFFIXES) {
                columns.add(field + suffix);
            }
        }
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
        return WINDOW_START;
    }

    @Override
    public List<String> keyColumns() {
        return latest.keyFields();
    }

    @Override
    public void scan(String series, long fromMs, long toMs, RowVisitor visitor) {
        int keys = latest.keyFields().size();
        List<String> numeric = latest.numericFields();
        store.scanAggregates(latest.stream(), view, series, fromMs, toMs, aggregate -> {
            Object[] row = new Object[columns.size()];
            String[] parts = latest.keyValues(aggregate.series);
            for (int i = 0; i < keys && i < parts.length; i++) {
                row[i] = parts[i];
            }
            row[keys] = aggregate.windowStartMs;
            row[keys + 1] = aggregate.windowEndMs;
            row[keys + 2] = aggregate.count;
            for (int f = 0; f < numeric.size(); f++) {
                int slot = aggregate.fieldIndex(numeric.get(f));
                if (slot >= 0) {
                    int base = fixedColumns + f * SUFFIXES.length;
                    row[base] = aggregate.sums[slot];
                    row[base + 1] = aggregate.mins[slot];
                    row[base + 2] = aggregate.maxs[slot];
                    row[base + 3] = aggregate.avg(slot);
                }
            }
            return visitor.visit(row);
        });
    }

}
