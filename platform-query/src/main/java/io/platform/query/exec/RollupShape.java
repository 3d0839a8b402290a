package io.platform.query.exec;

import io.platform.query.sql.Expr;
import io.platform.query.sql.SelectStatement;
import io.platform.query.sql.SqlException;
import io.platform.storage.rollup.RollupDefinition;
import io.platform.wire.schema.StreamSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which queries define a rollup, and which a rollup answers exactly. A rollup groups one stream by all of its series
 * key columns and one {@code time_bucket} of its time column; it answers a query that groups by any of those key
 * columns and by buckets that are whole multiples of its width (or not by time at all), aggregates with count, sum,
 * min, max or avg over its fields, and filters only on key columns and on time bounds that fall on its bucket edges.
 * Anything else needs the rows.
 */
final class RollupShape {
    private RollupShape() {
    }

    /**
     * The rollup {@code CREATE MATERIALIZED VIEW <name> AS <statement>} defines over {@code stream}.
     *
     * @throws SqlException saying what the query must change to define one
     */
    static RollupDefinition define(String name, String select, SelectStatement statement, StreamSchema stream) throws SqlException {
        if (statement.join() != null) {
            throw new SqlException("a rollup reads one stream: drop the JOIN", statement.join().position());
        }
        if (!statement.where().isEmpty()) {
            throw new SqlException("a rollup summarises every row of its stream: drop the WHERE and filter in the queries over it",
                    statement.where().get(0).position());
        }
        if (!statement.orderBy().isEmpty() || statement.limit() != Long.MAX_VALUE) {
            throw new SqlException("ORDER BY and LIMIT belong in the queries over the view, not in its definition", 1);
        }
        String groupRule = "GROUP BY every series key column of " + stream.stream() + " " + stream.keyFields()
                + " and one time_bucket(width, " + stream.timeField() + ")";
        long widthMs = 0;
        List<String> keys = new ArrayList<>();
        for (Expr e : statement.groupBy()) {
            int key = e instanceof Expr.Column column ? indexOf(stream.keyFields(), column) : -1;
            long width = key < 0 && widthMs == 0 ? bucketWidth(e, stream) : 0;
            if (key >= 0) {
                keys.add(stream.keyFields().get(key));
            } else if (width > 0) {
                widthMs = width;
            } else {
                throw new SqlException("a rollup groups by " + groupRule + "; '" + e.label() + "' is neither", e.position());
            }
        }
        if (widthMs == 0 || !keys.containsAll(stream.keyFields())) {
            throw new SqlException("a rollup groups by " + groupRule, 1);
        }
        List<String> fields = new ArrayList<>();
        for (SelectStatement.SelectItem item : statement.items()) {
            if (item.expr() instanceof Expr.Call call && call.isAggregate()) {
                Expr arg = call.args().size() == 1 ? call.args().get(0) : null;
                if (arg instanceof Expr.Star && call.function().equals("count")) {
                    continue;
                }
                int numeric = arg instanceof Expr.Column column ? indexOf(stream.numericFields(), column) : -1;
                if (numeric < 0) {
                    throw new SqlException("a rollup aggregates count(*) and count, sum, min, max or avg of one numeric field "
                            + stream.numericFields() + "; '" + call.label() + "' is not one", call.position());
                }
                String field = stream.numericFields().get(numeric);
                if (!fields.contains(field)) {
                    fields.add(field);
                }
            } else if (!(item.expr() instanceof Expr.Column column && indexOf(stream.keyFields(), column) >= 0)
                    && !(bucketWidth(item.expr(), stream) == widthMs)) {
                throw new SqlException("'" + item.expr().label()
                        + "' must be a series key column, the GROUP BY's time_bucket or an aggregate",
                        item.expr().position());
            }
        }
        return new RollupDefinition(name, stream.stream(), widthMs, fields, select);
    }

    /** True when {@code definition} answers {@code statement} (over its stream) exactly, bucket by bucket. */
    static boolean answers(SelectStatement statement, RollupDefinition definition, StreamSchema stream) {
        if (statement.join() != null || !statement.aggregates()) {
            return false;
        }
        for (Expr e : statement.groupBy()) {
            if (!groupsAlong(e, definition, stream)) {
                return false;
            }
        }
        for (SelectStatement.SelectItem item : statement.items()) {
            Expr e = item.expr();
            if (e instanceof Expr.Call call && call.isAggregate()) {
                Expr arg = call.args().size() == 1 ? call.args().get(0) : null;
                boolean star = arg instanceof Expr.Star && call.function().equals("count");
                if (!star && !(arg instanceof Expr.Column column && indexOf(definition.fields(), column) >= 0)) {
                    return false;
                }
            } else if (!groupsAlong(e, definition, stream)) {
                return false;
            }
        }
        long width = definition.widthMs();
        for (SelectStatement.Condition condition : statement.where()) {
            if (indexOf(stream.keyFields(), condition.column()) >= 0) {
                continue;
            }
            if (!bare(condition.column()).equalsIgnoreCase(stream.timeField()) || !(condition.value() instanceof Long bound)) {
                return false;
            }
            // a bound on a bucket edge takes or leaves whole buckets; any other cuts one
            boolean onEdge = switch (condition.operator()) {
                case ">=", "<" -> Math.floorMod(bound, width) == 0;
                case ">", "<=" -> Math.floorMod(bound + 1, width) == 0;
                default -> width == 1;
            };
            if (!onEdge) {
                return false;
            }
        }
        return true;
    }

    /** A series key column, or a time_bucket of the time column whose width is a whole number of the rollup's buckets. */
    private static boolean groupsAlong(Expr e, RollupDefinition definition, StreamSchema stream) {
        if (e instanceof Expr.Column column) {
            return indexOf(stream.keyFields(), column) >= 0;
        }
        long width = bucketWidth(e, stream);
        return width > 0 && width % definition.widthMs() == 0;
    }

    /** The width of {@code time_bucket(width, <time column>)}, or 0 when {@code e} is not one. */
    private static long bucketWidth(Expr e, StreamSchema stream) {
        if (e instanceof Expr.Call call && call.function().equals("time_bucket") && call.args().size() == 2
                && call.args().get(1) instanceof Expr.Column column && bare(column).equalsIgnoreCase(stream.timeField())) {
            try {
                return QueryEngine.widthMs(call.args().get(0));
            } catch (SqlException e2) {
                return 0;
            }
        }
        return 0;
    }

    /** The position of the column among {@code names}, case-insensitively and without its table qualifier; -1 if absent. */
    static int indexOf(List<String> names, Expr.Column column) {
        String name = bare(column);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    static String bare(Expr.Column column) {
        String name = column.name();
        return name.substring(name.indexOf('.') + 1).toLowerCase(Locale.ROOT);
    }
}
