package io.platform.query.stats;

import java.util.Locale;
import java.util.Map;

/**
 * A stream's statistics at one moment: rows, and per column (lower-case name) its {@link ColumnStatistics}.
 * {@code sampledRows} is how many recent rows were read to stand for the {@code rows - sealedRows} not yet sealed.
 * Immutable.
 */
public record TableStatistics(String stream, long rows, long sealedRows, long sampledRows, Map<String, ColumnStatistics> columns,
                              long gatheredAtMs) {
    /** The column's statistics, or null when none were gathered. */
    public ColumnStatistics column(String name) {
        return columns.get(name.toLowerCase(Locale.ROOT));
    }
}
