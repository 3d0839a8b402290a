package io.platform.network.path;

/**
 * The phi-accrual failure detector (Hayashibara et al.; as in Akka and Cassandra): from the recent inter-arrival
 * times of heartbeats it estimates how unlikely the current silence is, as phi = -log10(P(a heartbeat comes later than
 * now)). phi 1 means a 10% chance the peer is still fine, phi 8 one in 10^8. A threshold on phi adapts to each path's
 * jitter instead of a fixed timeout. Inter-arrival times are modelled as normal, with a floor on the deviation so a
 * perfectly regular path does not turn one late heartbeat into certainty. Not thread-safe: one path, one thread.
 */
public final class PhiAccrualDetector {
    private final long[] intervals;
    private final long minStdDevNs;
    private int count;
    private int next;
    private long lastArrivalNs = -1;

    /** @param window inter-arrival times remembered; @param minStdDevNs the deviation never assumed smaller than this */
    public PhiAccrualDetector(int window, long minStdDevNs) {
        this.intervals = new long[window];
        this.minStdDevNs = minStdDevNs;
    }

    /** A heartbeat arrived at {@code nowNs}. */
    public void heartbeat(long nowNs) {
        if (lastArrivalNs >= 0) {
            intervals[next] = nowNs - lastArrivalNs;
            next = (next + 1) % intervals.length;
            count = Math.min(count + 1, intervals.length);
        }
        lastArrivalNs = nowNs;
    }

    /** phi at {@code nowNs}; 0 before two heartbeats (nothing to judge by). */
    public double phi(long nowNs) {
        return phiOfSilence(nowNs - lastArrivalNs);
    }

    /**
     * phi of a silence of {@code silenceNs} since the last heartbeat; a caller that knows part of the silence was its own
     * (its threads were held up, so no heartbeat went out) passes only the part the path is to blame for.
     */
    public double phiOfSilence(long silenceNs) {
        if (count == 0) {
            return 0;
        }
        double mean = 0;
        for (int i = 0; i < count; i++) {
            mean += intervals[i];
        }
        mean /= count;
        double variance = 0;
        for (int i = 0; i < count; i++) {
            double d = intervals[i] - mean;
            variance += d * d;
        }
        double stdDev = Math.max(Math.sqrt(variance / count), minStdDevNs);
        double elapsed = silenceNs;
        // P(later than elapsed) for a normal distribution, via the logistic approximation of its CDF (as Akka does)
        double y = (elapsed - mean) / stdDev;
        double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
        double pLater = elapsed > mean ? e / (1.0 + e) : 1.0 - 1.0 / (1.0 + e);
        return -Math.log10(Math.max(pLater, 1e-300));
    }

    public long lastArrivalNs() {
        return lastArrivalNs;
    }
}
