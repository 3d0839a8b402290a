package io.platform.wire;

import java.time.Instant;

/**
 * Wall-clock time in epoch nanoseconds, the unit of send times and end-to-end latency. Across hosts, a node that syncs
 * its clock to a reference peer (the clock-sync layer of platform-network, {@code clock.reference}) sets a correction,
 * and every stamp this process makes ({@link #nowNs()}) is on the reference's time scale. Thread-safe.
 */
public final class EpochClock {
    private static volatile long correctionNs;

    private EpochClock() {
    }

    /** Corrected time: the local clock plus the offset to the reference clock (0 when not synced). */
    public static long nowNs() {
        return rawNowNs() + correctionNs;
    }

    /** The local clock, uncorrected: what clock sync measures against the reference. */
    public static long rawNowNs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Sets the offset (reference minus local) that {@link #nowNs()} adds. */
    public static void setCorrectionNs(long offsetNs) {
        correctionNs = offsetNs;
    }

    public static long correctionNs() {
        return correctionNs;
    }
}
