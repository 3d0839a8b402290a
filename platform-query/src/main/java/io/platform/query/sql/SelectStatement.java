package io.platform.query.sql;

import java.util.List;

/** A parsed {@code SELECT}. Immutable. */
public record SelectStatement(List<SelectItem> items, String table, int tablePosition, List<Condition> where,
                              List<Expr> groupBy, List<OrderItem> orderBy, long limit) {
    /** One output column. */
    public record SelectItem(Expr expr, String alias) {
        public String name() {
            return alias != null ? alias : expr.label();
        }
    }

    /** {@code column op literal}; BETWEEN is parsed into two conditions. Operators: = != < <= > >=. */
    public record Condition(Expr.Column column, String operator, Object value, int position) {
    }

    public record OrderItem(Expr expr, boolean descending) {
    }

    /** True when any output column aggregates or the query groups. */
    public boolean aggregates() {
        return !groupBy.isEmpty() || items.stream().anyMatch(i -> i.expr() instanceof Expr.Call c && c.isAggregate());
    }
}
