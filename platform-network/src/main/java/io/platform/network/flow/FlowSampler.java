package io.platform.network.flow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps sampled traffic counters per flow (transport, local and remote address). Each connection opens a
 * {@link Flow}; its owner thread reports every frame, and one in {@code samplingRate} (on average, with a random skip
 * as sFlow does, so periodic traffic cannot hide between samples) is counted as {@code samplingRate} frames of its
 * size. Estimates of bytes and frames are then within a few percent for flows of thousands of frames.
 *
 * <p>The table holds at most {@code maxFlows} flows; beyond that new flows are counted in one overflow flow, so a
 * connection storm cannot grow memory. Flows idle for longer than the retention are dropped when the table is listed.
 * Thread-safe.
 */
public final class FlowSampler {
    /** The address an overflow flow reports. */
    public static final String OVERFLOW = "(other flows: table full)";
    private static final FlowSampler GLOBAL = new FlowSampler(64, 4096, 300_000);

    private volatile int samplingRate;
    private final int maxFlows;
    private final long retentionMs;
    private final ConcurrentHashMap<String, Flow> flows = new ConcurrentHashMap<>();
    private final AtomicLong sampledFrames = new AtomicLong();
    /** Estimated bytes per transport since start, [0] in and [1] out: they only grow, unlike the table's flows. */
    private final ConcurrentHashMap<String, AtomicLong[]> totals = new ConcurrentHashMap<>();

    /**
     * @param samplingRate count one frame in this many (1 counts every frame exactly; 0 turns sampling off)
     * @param maxFlows most flows kept apart
     * @param retentionMs how long a closed or idle flow stays listed
     */
    public FlowSampler(int samplingRate, int maxFlows, long retentionMs) {
        if (samplingRate < 0 || maxFlows < 1) {
            throw new IllegalArgumentException("sampling rate must be >= 0 and max flows >= 1, got " + samplingRate + " and " + maxFlows);
        }
        this.samplingRate = samplingRate;
        this.maxFlows = maxFlows;
        this.retentionMs = retentionMs;
    }

    /** The process-wide sampler the platform's servers report to; 1 in 64 frames, 4096 flows, 5 minutes. */
    public static FlowSampler global() {
        return GLOBAL;
    }

    public int samplingRate() {
        return samplingRate;
    }

    /**
     * Changes the rate for frames from now on (0 turns sampling off for connections opened later); estimates
     * already made keep the rate they were sampled at.
     */
    public void setSamplingRate(int rate) {
        if (rate < 0) {
            throw new IllegalArgumentException("sampling rate must be >= 0 (0 = off), got " + rate);
        }
        samplingRate = rate;
    }

    public boolean enabled() {
        return samplingRate > 0;
    }

    /** Opens (or joins, for the same addresses) the flow of one connection; null when sampling is off. */
    public Flow open(String transport, String local, String remote) {
        if (!enabled()) {
            return null;
        }
        String key = transport + " " + local + " " + remote;
        Flow existing = flows.get(key);
        if (existing != null) {
            return existing;
        }
        if (flows.size() >= maxFlows) {
            return flows.computeIfAbsent(transport + " " + OVERFLOW, k -> new Flow(transport, OVERFLOW, OVERFLOW));
        }
        return flows.computeIfAbsent(key, k -> new Flow(transport, local, remote));
    }

    /** Estimated bytes of {@code transport} in or out since start, over every flow it ever had. */
    public long totalBytes(String transport, boolean in) {
        AtomicLong[] t = totals.get(transport);
        return t == null ? 0 : t[in ? 0 : 1].get();
    }

    /** Frames sampled so far, over all flows. */
    public long sampledFrames() {
        return sampledFrames.get();
    }

    /** The flows seen within the retention, most estimated bytes first; drops older ones. */
    public List<FlowRecord> list() {
        long cutoff = System.currentTimeMillis() - retentionMs;
        // a flow's last activity: its last sample, or its opening when none was sampled yet
        flows.values().removeIf(flow -> Math.max(flow.lastSampledMs, flow.openedMs) < cutoff);
        List<FlowRecord> records = new ArrayList<>();
        for (Flow flow : flows.values()) {
            records.add(flow.record());
        }
        records.sort(Comparator.comparingLong((FlowRecord r) -> r.bytesIn() + r.bytesOut()).reversed());
        return records;
    }

    /** One flow's estimates: frames and bytes each way (sampled counts times the rate) and the samples behind them. */
    public record FlowRecord(String transport, String local, String remote, long framesIn, long bytesIn, long framesOut,
                             long bytesOut, long samples, long lastSampledMs) {
    }

    /** The counters of one flow. Thread-safe; the countdown between samples is a plain field (a race only jitters the sampling). */
    public final class Flow {
        private final String transport;
        private final String local;
        private final String remote;
        private final long openedMs = System.currentTimeMillis();
        // estimates (samples times the rate at the time), changed under the flow's lock on sampled frames only
        private volatile long framesIn;
        private volatile long bytesIn;
        private volatile long framesOut;
        private volatile long bytesOut;
        private volatile long samples;
        private volatile long lastSampledMs;
        private int skipIn = nextSkip();
        private int skipOut = nextSkip();
        private final AtomicLong[] transportTotals;

        private Flow(String transport, String local, String remote) {
            this.transport = transport;
            this.local = local;
            this.remote = remote;
            this.transportTotals = totals.computeIfAbsent(transport, t -> new AtomicLong[] {new AtomicLong(), new AtomicLong()});
        }

        /** A frame of {@code bytes} received. No allocation; a countdown except on a sampled frame. */
        public void frameIn(int bytes) {
            if (--skipIn > 0) {
                return;
            }
            skipIn = nextSkip();
            sample(true, bytes);
        }

        /** A frame of {@code bytes} sent. */
        public void frameOut(int bytes) {
            if (--skipOut > 0) {
                return;
            }
            skipOut = nextSkip();
            sample(false, bytes);
        }

        private void sample(boolean in, int bytes) {
            // scaled now, by the rate this frame was sampled at
            int rate = Math.max(1, samplingRate);
            long estimatedBytes = (long) bytes * rate;
            // the lock is taken on sampled frames only (1 in N): the overflow flow is shared by many connections
            synchronized (this) {
                if (in) {
                    framesIn += rate;
                    bytesIn += estimatedBytes;
                } else {
                    framesOut += rate;
                    bytesOut += estimatedBytes;
                }
                samples++;
            }
            transportTotals[in ? 0 : 1].addAndGet(estimatedBytes);
            lastSampledMs = System.currentTimeMillis();
            sampledFrames.incrementAndGet();
        }

        synchronized FlowRecord record() {
            return new FlowRecord(transport, local, remote, framesIn, bytesIn, framesOut, bytesOut, samples, lastSampledMs);
        }

        /** A skip with mean {@code samplingRate}: uniform on 1..2N-1, as sFlow agents draw it. */
        private int nextSkip() {
            int rate = samplingRate;
            if (rate == 0) {
                return Integer.MAX_VALUE;
            }
            return rate == 1 ? 1 : 1 + ThreadLocalRandom.current().nextInt(2 * rate - 1);
        }
    }
}
