package io.platform.query.exec;

import io.micrometer.core.instrument.Counter;
import io.platform.observability.LatencyMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Results of recent queries, keyed by normalized SQL and valid only for the data version of the stream they read.
 * Storage bumps a stream's version on every commit that touches it ({@link #invalidate}), so a cached answer is
 * never older than what storage holds: a repeated dashboard query is answered from memory until its data changes.
 * Bounded by entries (LRU) and by rows per entry. Thread-safe.
 */
public final class ResultCache {
    /** A cached answer and the data version it was computed at. */
    record Entry(List<String> columns, List<Object[]> rows, long version) {
    }

    private final int maxRowsPerEntry;
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    private final Map<String, Entry> entries;
    private final Counter hits;
    private final Counter misses;

    public ResultCache(int maxEntries, int maxRowsPerEntry) {
        this(maxEntries, maxRowsPerEntry, LatencyMetrics.global());
    }

    /** The same cache, counting hits and misses into {@code metrics}: the node passes its own. */
    public ResultCache(int maxEntries, int maxRowsPerEntry, LatencyMetrics metrics) {
        this.hits = metrics.registry().counter("platform.query.cache", "result", "hit");
        this.misses = metrics.registry().counter("platform.query.cache", "result", "miss");
        this.maxRowsPerEntry = maxRowsPerEntry;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** New data for {@code stream} is visible: every cached result over it is stale from now on. */
    public void invalidate(String stream) {
        versions.merge(stream, 1L, Long::sum);
    }

    public long version(String stream) {
        return versions.getOrDefault(stream, 0L);
    }

    int maxRowsPerEntry() {
        return maxRowsPerEntry;
    }

    synchronized Entry get(String key, long version) {
        Entry entry = entries.get(key);
        if (entry != null && entry.version() == version) {
            hits.increment();
            return entry;
        }
        misses.increment();
        return null;
    }

    synchronized void put(String key, Entry entry) {
        entries.put(key, entry);
    }

    /** SQL with runs of white space outside quotes folded to one space, so formatting does not split the cache. */
    static String normalize(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        char quote = 0;
        boolean space = false;
        for (char c : sql.trim().toCharArray()) {
            if (quote != 0) {
                out.append(c);
                if (c == quote) {
                    quote = 0;
                }
            } else if (Character.isWhitespace(c)) {
                space = true;
            } else {
                if (space && out.length() > 0) {
                    out.append(' ');
                }
                space = false;
                if (c == '\'' || c == '"') {
                    quote = c;
                }
                out.append(c);
            }
        }
        return out.toString();
    }
}
