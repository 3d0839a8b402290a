package io.platform.query.exec;

import io.platform.query.sql.Expr;
import io.platform.query.sql.SelectStatement;
import io.platform.query.sql.SqlException;
import io.platform.query.sql.SqlParser;
import io.platform.storage.rollup.RollupDefinition;
import io.platform.storage.rollup.RollupPartial;
import io.platform.storage.rollup.Rollups;
import io.platform.wire.schema.StreamSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A rollup read as a table, in one of two shapes.
 * <ul>
 * <li>By its name: the columns its defining query selects (series keys, the bucket, each aggregate), one row per series
 *     and bucket.</li>
 * <li>In place of its stream ({@link #partials}), for a query the planner answers from it: the stream's key columns,
 *     its time column holding the bucket start, and each rolled-up field holding a {@link RollupPartial.Slice}, plus
 *     {@link #ROWS}; the query's own aggregates then merge the partials instead of adding up rows.</li>
 * </ul>
 */
final class RollupTable implements Table {
    /** The partials shape's column of row counts, which count(*) reads. */
    static final String ROWS = "__rows";

    private final Rollups rollups;
    private final RollupDefinition definition;
    private final StreamSchema stream;
    private final boolean partials;
    private final List<String> columns = new ArrayList<>();
    private final List<String> keyColumns = new ArrayList<>();
    private final String timeColumn;
    // the named shape: per output column, what it shows (see NamedColumn)
    private final List<NamedColumn> named = new ArrayList<>();

    private record NamedColumn(int key, boolean bucket, String function, int field) {
    }

    private RollupTable(Rollups rollups, RollupDefinition definition, StreamSchema stream, boolean partials) throws SqlException {
        this.rollups = rollups;
        this.definition = definition;
        this.stream = stream;
        this.partials = partials;
        if (partials) {
            columns.addAll(stream.keyFields());
            columns.add(stream.timeField());
            columns.addAll(definition.fields());
            columns.add(ROWS);
            keyColumns.addAll(stream.keyFields());
            timeColumn = stream.timeField();
            return;
        }
        String bucketName = null;
        String[] keyNames = new String[stream.keyFields().size()];
        for (SelectStatement.SelectItem item : SqlParser.parse(definition.select()).items()) {
            columns.add(item.name());
            if (item.expr() instanceof Expr.Call call && call.isAggregate()) {
                Expr arg = call.args().get(0);
                named.add(new NamedColumn(-1, false, call.function(), arg instanceof Expr.Column c
                        ? RollupShape.indexOf(definition.fields(), c) : -1));
            } else if (item.expr() instanceof Expr.Column column) {
                int key = RollupShape.indexOf(stream.keyFields(), column);
                keyNames[key] = item.name();
                named.add(new NamedColumn(key, false, null, -1));
            } else {
                bucketName = item.name();
                named.add(new NamedColumn(-1, true, null, -1));
            }
        }
        for (String key : keyNames) {
            if (key != null) {
                keyColumns.add(key);
            }
        }
        if (keyColumns.size() < keyNames.length) {
            keyColumns.clear(); // a key not shown: no seek by series
        }
        timeColumn = bucketName;
    }

    /** The rollup by its name, with the columns its defining query selects. */
    static RollupTable named(Rollups rollups, RollupDefinition definition, StreamSchema stream) throws SqlException {
        return new RollupTable(rollups, definition, stream, false);
    }

    /** The rollup in place of its stream: partials the query's aggregates merge. */
    static RollupTable partials(Rollups rollups, RollupDefinition definition, StreamSchema stream) {
        try {
            return new RollupTable(rollups, definition, stream, true);
        } catch (SqlException e) {
            throw new IllegalStateException(e); // the partials shape parses nothing
        }
    }

    RollupDefinition definition() {
        return definition;
    }

    boolean isPartials() {
        return partials;
    }

    @Override
    public String stream() {
        return definition.stream();
    }

    @Override
    public List<String> columns() {
        return columns;
    }

    @Override
    public String timeColumn() {
        return timeColumn;
    }

    @Override
    public List<String> keyColumns() {
        return keyColumns;
    }

    @Override
    public void scan(String series, long fromMs, long toMs, RowVisitor visitor) {
        int keys = stream.keyFields().size();
        rollups.scan(definition, series, fromMs, toMs, (keySeries, bucket, partial) -> {
            String[] parts = stream.keyValues(keySeries);
            Object[] row = new Object[columns.size()];
            if (partials) {
                System.arraycopy(parts, 0, row, 0, Math.min(keys, parts.length));
                row[keys] = bucket;
                for (int f = 0; f < definition.fields().size(); f++) {
                    row[keys + 1 + f] = partial.slice(f);
                }
                row[row.length - 1] = new RollupPartial.Slice(partial.rows(), false, partial.rows(), 0, null, null);
            } else {
                for (int c = 0; c < row.length; c++) {
                    NamedColumn column = named.get(c);
                    row[c] = column.bucket() ? (Object) bucket : column.key() >= 0
                            ? (column.key() < parts.length ? parts[column.key()] : null)
                            : value(column, partial);
                }
            }
            return visitor.visit(row);
        });
    }

    /** An aggregate of the named shape, as the query engine computes it from rows. */
    private static Object value(NamedColumn column, RollupPartial partial) {
        if (column.field() < 0) {
            return partial.rows();
        }
        RollupPartial.Slice slice = partial.slice(column.field());
        return switch (column.function().toLowerCase(Locale.ROOT)) {
            case "count" -> slice.count();
            case "sum" -> slice.count() == 0 ? null : slice.fractional() ? (Object) slice.doubleSum() : (Object) slice.longSum();
            case "avg" -> slice.count() == 0 ? null : (slice.fractional() ? slice.doubleSum() : slice.longSum()) / (double) slice.count();
            case "min" -> slice.min();
            default -> slice.max();
        };
    }
}
