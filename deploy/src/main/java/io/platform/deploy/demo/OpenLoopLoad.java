package io.platform.deploy.demo;

import io.platform.wire.EpochClock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Sends events at a fixed rate regardless of how fast acks come back (open loop). Events that fall due together go
 * out as one batch, as a real client library batches. Each event's latency is measured from its own intended send
 * time, so a stall shows up in every event it delayed (no coordinated omission). With rate 0 it saturates instead:
 * as fast as acks allow with at most {@link #SATURATION_IN_FLIGHT} events outstanding, latency then counting from the
 * actual send. Progress goes to a listener once a second. Runs on the calling thread; acks may arrive on any thread.
 */
public final class OpenLoopLoad {
    /** In saturation mode at most this many events are unacknowledged at once. */
    static final int SATURATION_IN_FLIGHT = 32_768;
    static final int MAX_BATCH = 1024;
    private static final int SEND_TIME_SLOTS = 1 << 20;
    private static final long MAX_LATENCY_NS = TimeUnit.MINUTES.toNanos(5);
    /** The variant of events that belong to neither side of an A/B run (before, between or after its slices). */
    public static final int NO_VARIANT = 2;

    /** Sends events {@code firstSeq .. firstSeq+count-1}; calls {@link #acked} for them when done. */
    public interface Sender {
        void send(long firstSeq, int count, OpenLoopLoad load);
    }

    /** Receives a progress line each second. */
    public interface Progress {
        void second(int elapsedSeconds, long sentInSecond, long ackedInSecond, Histogram interval);
    }

    private final Recorder ackLatency = new Recorder(MAX_LATENCY_NS, 3);
    private final Histogram total = new Histogram(MAX_LATENCY_NS, 3);
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final long[] actualSendTimes = new long[SEND_TIME_SLOTS];
    // A/B runs: the variant in force when each event was sent, and ack latency and acks per variant
    private final byte[] sendVariants = new byte[SEND_TIME_SLOTS];
    private final Recorder[] variantLatency = {new Recorder(MAX_LATENCY_NS, 2), new Recorder(MAX_LATENCY_NS, 2)};
    private final AtomicLongArray variantAcked = new AtomicLongArray(2);
    private volatile int variant = NO_VARIANT;
    private volatile boolean measuring;
    private boolean saturate;
    private long startEpochNs;
    private long periodNs;

    /** The intended send time of event {@code seq}, epoch ns. */
    public long intendedSendTimeNs(long seq) {
        return saturate ? actualSendTimes[(int) (seq & (SEND_TIME_SLOTS - 1))] : startEpochNs + seq * periodNs;
    }

    /** Acks (or failures) for events {@code firstSeq .. firstSeq+count-1}. Thread-safe. */
    public void acked(long firstSeq, int count, boolean ok) {
        if (!ok) {
            failed.addAndGet(count);
            return;
        }
        if (measuring) {
            long now = EpochClock.nowNs();
            // a batch is sent in one call, so all of it belongs to the variant of its first event
            int sentIn = sendVariants[(int) (firstSeq & (SEND_TIME_SLOTS - 1))];
            Recorder ofVariant = sentIn == NO_VARIANT ? null : variantLatency[sentIn];
            for (int i = 0; i < count; i++) {
                long latency = Math.max(0, Math.min(now - intendedSendTimeNs(firstSeq + i), MAX_LATENCY_NS));
                ackLatency.recordValue(latency);
                if (ofVariant != null) {
                    ofVariant.recordValue(latency);
                }
            }
            if (ofVariant != null) {
                variantAcked.addAndGet(sentIn, count);
            }
        }
        acked.addAndGet(count);
    }

    /**
     * Runs warm-up then measurement at {@code ratePerSecond} (0 saturates).
     *
     * @param onMeasureStart called once when the warm-up ends (e.g. to reset stage histograms)
     * @return events sent
     */
    public long run(Sender sender, int ratePerSecond, int warmupSeconds, int durationSeconds, Runnable onMeasureStart, Progress progress) {
        saturate = ratePerSecond <= 0;
        periodNs = saturate ? 1 : 1_000_000_000L / ratePerSecond;
        long startNs = System.nanoTime();
        startEpochNs = EpochClock.nowNs();
        long endNs = startNs + TimeUnit.SECONDS.toNanos(warmupSeconds + durationSeconds);
        long seq = 0;
        int second = 0;
        long sentAtSecondStart = 0;
        long ackedAtSecondStart = 0;
        Histogram interval = null;
        measuring = warmupSeconds == 0;
        if (measuring) {
            onMeasureStart.run();
        }
        while (true) {
            long now = System.nanoTime();
            if (now >= endNs) {
                break;
            }
            int count;
            if (saturate) {
                count = (int) Math.min(MAX_BATCH, SATURATION_IN_FLIGHT - (seq - acked.get() - failed.get()));
                long sendTimeNs = EpochClock.nowNs();
                for (int i = 0; i < count; i++) {
                    actualSendTimes[(int) ((seq + i) & (SEND_TIME_SLOTS - 1))] = sendTimeNs;
                }
            } else {
                // every event whose intended time has come: catching up keeps the schedule after a stall
                count = (int) Math.min(MAX_BATCH, (now - startNs) / periodNs + 1 - seq);
            }
            if (count > 0) {
                sendVariants[(int) (seq & (SEND_TIME_SLOTS - 1))] = (byte) variant;
                sender.send(seq, count, this);
                seq += count;
            }
            int elapsed = (int) ((now - startNs) / 1_000_000_000L);
            if (elapsed > second) {
                second = elapsed;
                if (!measuring && second >= warmupSeconds) {
                    measuring = true;
                    onMeasureStart.run();
                    ackLatency.reset();
                }
                interval = ackLatency.getIntervalHistogram(interval);
                total.add(interval);
                progress.second(second, seq - sentAtSecondStart, acked.get() - ackedAtSecondStart, interval);
                sentAtSecondStart = seq;
                ackedAtSecondStart = acked.get();
            }
            long waitNs = saturate ? (count > 0 ? 0 : 50_000) : startNs + seq * periodNs - System.nanoTime();
            if (waitNs > 20_000) {
                LockSupport.parkNanos(waitNs - 10_000);
            }
        }
        return seq;
    }

    /**
     * For A/B runs in one load: events sent from now on belong to {@code variant} (0 or 1, or {@link #NO_VARIANT}, the
     * default), and their acks count in its own latency histogram and ack counter. A batch is sent whole in one
     * variant. Thread-safe.
     */
    public void setVariant(int variant) {
        this.variant = variant;
    }

    /** Ack latency (2 significant digits) of the variant's events acked since the last call; measured period only. */
    public Histogram variantInterval(int variant, Histogram recycle) {
        return variantLatency[variant].getIntervalHistogram(recycle);
    }

    /** Events of the variant acked in the measured period. */
    public long variantAcked(int variant) {
        return variantAcked.get(variant);
    }

    /** Waits for outstanding acks up to {@code timeoutMs}; returns the acked count. */
    public long awaitAcks(long sent, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (acked.get() + failed.get() < sent && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        total.add(ackLatency.getIntervalHistogram());
        return acked.get();
    }

    /** Ack latency (intended send to ack) over the measured period. */
    public Histogram ackLatency() {
        return total;
    }
}
