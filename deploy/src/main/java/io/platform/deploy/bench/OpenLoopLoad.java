package io.platform.deploy.bench;

import io.platform.wire.EpochClock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Sends events at a fixed rate regardless of how fast acks come back (open loop). Each event's latency is measured
 * from its intended send time, so a stall shows up in every event it delayed. Progress goes to a listener once a second.
 * Runs on the calling thread; acks may arrive on any thread.
 */
public final class OpenLoopLoad {
    /** Sends one event; {@code sendTimeNs} is its intended send time in epoch ns; call {@link #acked} when done. */
    public interface Sender {
        void send(long seq, long sendTimeNs, OpenLoopLoad load);
    }

    /** Receives a progress line each second. */
    public interface Progress {
        void second(int elapsedSeconds, long sentInSecond, long ackedInSecond, Histogram interval);
    }

    private final Recorder ackLatency = new Recorder(TimeUnit.MINUTES.toNanos(5), 3);
    private final Histogram total = new Histogram(TimeUnit.MINUTES.toNanos(5), 3);
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean measuring;

    /** An ack (or failure) for an event whose intended send time was {@code sendTimeNs}. */
    public void acked(long sendTimeNs, boolean ok) {
        if (!ok) {
            failed.incrementAndGet();
            return;
        }
        acked.incrementAndGet();
        if (measuring) {
            ackLatency.recordValue(Math.max(0, Math.min(EpochClock.nowNs() - sendTimeNs, TimeUnit.MINUTES.toNanos(5))));
        }
    }

    /**
     * Runs warm-up then measurement at {@code ratePerSecond}.
     *
     * @param onMeasureStart called once when the warm-up ends (e.g. to reset stage histograms)
     * @return events sent
     */
    public long run(Sender sender, int ratePerSecond, int warmupSeconds, int durationSeconds, Runnable onMeasureStart, Progress progress) {
        long periodNs = 1_000_000_000L / ratePerSecond;
        long startNs = System.nanoTime();
        long startEpochNs = EpochClock.nowNs();
        long totalSeconds = warmupSeconds + durationSeconds;
        long endNs = startNs + TimeUnit.SECONDS.toNanos(totalSeconds);
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
            // send every event whose intended time has come: catching up keeps the schedule after a stall
            long due = (now - startNs) / periodNs;
            while (seq <= due) {
                sender.send(seq, startEpochNs + seq * periodNs, this);
                seq++;
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
            long nextDueNs = startNs + seq * periodNs;
            long waitNs = nextDueNs - System.nanoTime();
            if (waitNs > 20_000) {
                LockSupport.parkNanos(waitNs - 10_000);
            }
        }
        return seq;
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

    public long failed() {
        return failed.get();
    }
}
