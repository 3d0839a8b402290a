package io.platform.observability;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency of one stage. Writers call {@link #recordNanos} from any thread without locks (HdrHistogram's
 * {@link Recorder} is wait-free for writers, the count and total are {@link LongAdder}s); readers take snapshots,
 * which fold the recorder's interval into an accumulated histogram under a lock that writers never touch. The
 * Micrometer timer of the stage reads the count and total at scrape time, so it costs nothing per event.
 */
public final class StageLatency {
    /** Values above an hour are clamped: they are faults, not latencies, and must not break the histogram. */
    private static final long MAX_TRACKABLE_NS = TimeUnit.HOURS.toNanos(1);

    // off only to measure what recording costs (platform bench observability); a plain read on the hot path
    private static volatile boolean recording = true;

    private final Stage stage;
    private final Recorder recorder = new Recorder(MAX_TRACKABLE_NS, 3);
    private final LongAdder count = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();
    private final Histogram accumulated = new Histogram(MAX_TRACKABLE_NS, 3);
    private Histogram interval;

    StageLatency(Stage stage) {
        this.stage = stage;
    }

    public Stage stage() {
        return stage;
    }

    /** Records one latency; negative values (clock steps) count as zero. Thread-safe, lock-free. */
    public void recordNanos(long nanos) {
        if (!recording) {
            return;
        }
        long value = Math.min(Math.max(nanos, 0L), MAX_TRACKABLE_NS);
        recorder.recordValue(value);
        count.increment();
        totalNanos.add(value);
    }

    /** Turns latency recording of every stage on or off, to measure its cost against nothing. */
    public static void setRecording(boolean on) {
        recording = on;
    }

    /** Events recorded since start (never reset: Prometheus counters only grow). */
    public long count() {
        return count.sum();
    }

    /** Sum of all recorded latencies since start, in nanoseconds. */
    public long totalNanos() {
        return totalNanos.sum();
    }

    /** A copy of everything recorded since start or the last {@link #reset}. Thread-safe. */
    public synchronized Histogram snapshot() {
        drain();
        return accumulated.copy();
    }

    /** Forgets everything recorded so far, e.g. at the end of a benchmark's warm-up. Thread-safe. */
    public synchronized void reset() {
        drain();
        accumulated.reset();
    }

    private void drain() {
        interval = recorder.getIntervalHistogram(interval);
        accumulated.add(interval);
    }
}
