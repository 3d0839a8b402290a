package io.platform.query.exec;

import java.util.Map;

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

    /** These limits with the overrides of {@code user} from per-user maps (user to value); the rest stay. */
    public QueryLimits forUser(String user, Map<String, Long> timeoutMsByUser, Map<String, Long> maxRowsByUser) {
        if (user == null) {
            return this;
        }
        long timeout = timeoutMsByUser.getOrDefault(user, timeoutMs);
        long rows = maxRowsByUser.getOrDefault(user, (long) maxMaterializedRows);
        return timeout == timeoutMs && rows == maxMaterializedRows ? this
                : new QueryLimits(timeout, (int) Math.min(Integer.MAX_VALUE, rows));
    }
}
