package io.platform.storage.columnar;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hot tier of sealed data: decoded column blocks ({@code long[]}, {@code double[]}, {@code String[]}) kept in
 * memory up to a byte budget, least recently used evicted first. A repeated scan then runs over primitive arrays
 * (a few ns per row) instead of decoding Gorilla and delta-of-delta bit streams (15-25 ns per row and column). Segments
 * never change, so an entry is never stale. Thread-safe: one lock, taken once per block and column, not per row.
 */
public final class DecodedColumns {
    private record Key(ColumnarSegment segment, int block, int column) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.segment == segment && k.block == block && k.column == column;
        }

        @Override
        public int hashCode() {
            return (System.identityHashCode(segment) * 31 + block) * 31 + column;
        }
    }

    private final long budgetBytes;
    private final LinkedHashMap<Key, Object> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;
    private long hits;
    private long misses;

    /** @param budgetBytes memory the decoded columns may take; 0 keeps nothing */
    public DecodedColumns(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    synchronized Object get(ColumnarSegment segment, int block, int column) {
        Object values = entries.get(new Key(segment, block, column));
        if (values == null) {
            misses++;
        } else {
            hits++;
        }
        return values;
    }

    synchronized void put(ColumnarSegment segment, int block, int column, Object values) {
        long size = sizeOf(values);
        if (size > budgetBytes) {
            return;
        }
        if (entries.put(new Key(segment, block, column), values) == null) {
            bytes += size;
        }
        var oldest = entries.entrySet().iterator();
        while (bytes > budgetBytes && oldest.hasNext()) {
            Map.Entry<Key, Object> evicted = oldest.next();
            bytes -= sizeOf(evicted.getValue());
            oldest.remove();
        }
    }

    /** Heap bytes of a decoded column: 8 per long or double; 4 per string reference (the strings are a block's dictionary, shared). */
    private static long sizeOf(Object values) {
        if (values instanceof long[] longs) {
            return 16 + 8L * longs.length;
        }
        if (values instanceof double[] doubles) {
            return 16 + 8L * doubles.length;
        }
        return 16 + 4L * ((String[]) values).length;
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }
}
