package io.platform.wire;

import java.time.Instant;

/**
 * Wall-clock time in epoch nanoseconds, the unit of send times and end-to-end latency across processes on one host.
 * Thread-safe. Across hosts the offsets must be corrected by the clock-sync layer of platform-network.
 */
public final class EpochClock {
    private EpochClock() {
    }

    public static long nowNs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
