package io.platform.query.sql;

import java.util.List;

/**
 * A parsed {@code SELECT}. Immutable.
 *
 * @param tableAlias the name the FROM table's columns are qualified with ({@code r} in {@code FROM readings r}): its
 *                   alias, else its name
 * @param join       the table joined to it, or null
 */
public record SelectStatement(List<SelectItem> items, String table, int tablePosition, String tableAlias, Join join,
                              List<Condition> where, List<Expr> groupBy, List<OrderItem> orderBy, long limit) {
    /**
     * {@code [INNER | LEFT [OUTER]] JOIN table [[AS] alias] ON a = b [AND c = d]*}: an equi-join on column pairs.
     *
     * @param alias the name its columns are qualified with: its alias, else its name
     */
    public record Join(boolean leftOuter, String table, int position, String alias, List<KeyPair> on) {
    }

    /** One {@code column = column} of a join's ON clause, in the order written. */
    public record KeyPair(Expr.Column first, Expr.Column second) {
    }

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
