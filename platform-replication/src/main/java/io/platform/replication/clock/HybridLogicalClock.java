package io.platform.replication.clock;

import java.util.function.LongSupplier;

/**
 * A hybrid logical clock (Kulkarni et al., 2014). A timestamp packs wall milliseconds in the high 48 bits and a
 * logical counter in the low 16, so timestamps compare as longs, stay close to physical time, and respect causality
 * across sites whose clocks drift. Thread-safe (synchronized; one clock per site).
 */
public final class HybridLogicalClock {
    private static final int LOGICAL_BITS = 16;
    private static final long LOGICAL_MASK = (1L << LOGICAL_BITS) - 1;

    private final LongSupplier wallClockMs;
    private long last;

    public HybridLogicalClock(LongSupplier wallClockMs) {
        this.wallClockMs = wallClockMs;
    }

    public static long physicalMs(long timestamp) {
        return timestamp >>> LOGICAL_BITS;
    }

    public static long logical(long timestamp) {
        return timestamp & LOGICAL_MASK;
    }

    /** A timestamp for a local write or send, greater than every timestamp this clock produced or received. */
    public synchronized long now() {
        long wall = wallClockMs.getAsLong() << LOGICAL_BITS;
        last = wall > last ? wall : increment(last);
        return last;
    }

    /** Merges a timestamp received from another site; the result is greater than both. */
    public synchronized long receive(long remote) {
        long wall = wallClockMs.getAsLong() << LOGICAL_BITS;
        long max = Math.max(last, remote);
        last = wall > max ? wall : increment(max);
        return last;
    }

    private static long increment(long timestamp) {
        if (logical(timestamp) == LOGICAL_MASK) {
            // counter exhausted within one millisecond: borrow the next millisecond rather than wrap
            return ((physicalMs(timestamp) + 1) << LOGICAL_BITS);
        }
        return timestamp + 1;
    }

    /**
     * Last-writer-wins between two versions of one key: the larger timestamp wins; on a tie the larger site id, so
     * every site picks the same winner.
     *
     * @return true when version A wins
     */
    public static boolean firstWins(long timestampA, int siteA, long timestampB, int siteB) {
        return timestampA != timestampB ? timestampA > timestampB : siteA > siteB;
    }
}
