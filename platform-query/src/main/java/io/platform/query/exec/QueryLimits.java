package io.platform.query.exec;

/**
 * Bounds on one query.
 *
 * @param timeoutMs a query running longer is stopped with an error
 * @param maxMaterializedRows rows or groups a query may hold in memory (for GROUP BY and ORDER BY)
 */
public record QueryLimits(long timeoutMs, int maxMaterializedRows) {
    public static QueryLimits defaults() {
        return new QueryLimits(30_000, 2_000_000);
    }
}
