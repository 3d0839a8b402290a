package io.platform.observability;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;
import org.HdrHistogram.Recorder;

/**
 * Latency of one stage. Writers call {@link #recordNanos} from any thread without locks (HdrHistogram's
 * {@link Recorder} is wait-free for writers: two uncontended atomic increments and an array write); readers take snapshots,
 * which fold the recorder's interval into an accumulated histogram under a lock that writers never touch. The
 * Micrometer timer of the stage reads the count and total at scrape time from the since-start histogram (the total
 * from its mean, whose buckets are within 1%), so they cost nothing per event or tick; a {@link #reset} carries them over.
 *
 * <p>High resolution: every {@link #TICK_MS} ms {@link #tick()} closes a slot, so the last {@link #SLOTS} slots
 * (10 s) are kept as histograms of their own. A window (the last second, the last 10 s) is the merge of its slots,
 * never an average of their percentiles, and {@link #worstSlotPercentile} finds a 100-ms spike that a 1-s or 15-s
 * scrape would flatten. Slots keep int counts: 18 KiB each, 1.8 MiB per stage, recycled, so a tick allocates
 * nothing; having the recorder's bucket layout, a slot takes an interval in one pass over the counts.
 */
public final class StageLatency {
    /** Values above an hour are clamped: they are faults, not latencies, and must not break the histogram. */
    private static final long MAX_TRACKABLE_NS = TimeUnit.HOURS.toNanos(1);

    // off only to measure what recording costs (platform bench observability); a plain read on the hot path
    private static volatile boolean recording = true;
    /** Where {@link #warmUpMergeCode} leaves its results; a volatile write the JIT cannot drop. */
    private static volatile long warmUpSink;

    private final Stage stage;
    /**
     * Two significant digits (values within 1%) everywhere: recorder, since-start histogram and slots share one bucket
     * layout of ~4,500 counts, so each merge is one pass over a 36-KiB array that stays in cache. Three digits meant
     * 33,000 counts (270 KiB) per merge; measured on the full node, the 100-ms ticker then cost 14–77 ms CPU/s, and
     * swung with whatever else was using the cache.
     */
    private static final int DIGITS = 2;
    private final Recorder recorder = new Recorder(MAX_TRACKABLE_NS, DIGITS);
    // set by writers when they find it clear (once per tick, not per event), cleared by the drain
    private volatile boolean recordedSinceDrain;
    // what the since-start histogram held before each reset: Prometheus counters never go back
    private long countBeforeReset;
    private double totalNanosBeforeReset;
    private final Histogram accumulated = new Histogram(MAX_TRACKABLE_NS, DIGITS);
    private Histogram interval;

    /**
     * Above this many events in a slot (82,000 a second) a stage samples. Why: at saturation (1.3 million events a second
     * through one gateway) recording every event of two stages cost ~4% of throughput; a random sample of 4,096 a slot
     * keeps each 100-ms slot's p99 to a few percent and the counts right on average, and below the threshold nothing is
     * sampled: every event counts, as the tests and low-rate streams need.
     */
    static final int SAMPLE_ABOVE_PER_SLOT = 8192;
    static final int SAMPLES_PER_SLOT = 4096;
    // 1 = record every event; set by the ticker from the last slot's count, read once per event
    private volatile int sampleEvery = 1;

    public static final int TICK_MS = 100;
    public static final int SLOTS = 100;
    /** Slots in one second: {@code window(SLOTS_PER_SECOND)} is the last second. */
    public static final int SLOTS_PER_SECOND = 1000 / TICK_MS;
    private final AbstractHistogram[] slots = new AbstractHistogram[SLOTS];
    private AbstractHistogram open = slotHistogram();
    private long ticks;
    private long windowsComputedAtTick = -1;
    private final AbstractHistogram[] windows = new AbstractHistogram[SLOTS + 1];

    StageLatency(Stage stage) {
        this.stage = stage;
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = slotHistogram();
        }
    }

    /** A stage not registered anywhere, e.g. to measure what one {@link #recordNanos} costs. */
    public static StageLatency unregistered(Stage stage) {
        return new StageLatency(stage);
    }

    private static AbstractHistogram slotHistogram() {
        return new IntCountsHistogram(MAX_TRACKABLE_NS, DIGITS);
    }

    public Stage stage() {
        return stage;
    }

    /**
     * Records one latency; negative values (clock steps) count as zero. Thread-safe, lock-free. Under heavy load (more than
     * {@value #SAMPLE_ABOVE_PER_SLOT} events in the last slot) one event in {@code n}, chosen at random, is recorded with
     * a count of {@code n}, so the stage keeps ~{@value #SAMPLES_PER_SLOT} samples a slot.
     */
    public void recordNanos(long nanos) {
        if (!recording) {
            return;
        }
        int every = sampleEvery;
        if (every > 1 && ThreadLocalRandom.current().nextInt(every) != 0) {
            return;
        }
        record(nanos, every);
    }

    /**
     * Records {@code count} events that took the same time, such as the events of one Kafka record; negative values count
     * as zero. Thread-safe, lock-free; one histogram update whatever the count.
     */
    public void recordNanos(long nanos, long count) {
        if (!recording || count <= 0) {
            return;
        }
        record(nanos, count);
    }

    private void record(long nanos, long count) {
        recorder.recordValueWithCount(Math.min(Math.max(nanos, 0L), MAX_TRACKABLE_NS), count);
        if (!recordedSinceDrain) {
            recordedSinceDrain = true;
        }
    }

    /**
     * Runs the merge, percentile and copy code of the histograms in a tight loop until the JIT's optimizing compiler
     * takes it, before a busy node has filled its compile queue. Why: on a saturated 2-core host the one C2 compiler
     * thread is backlogged for minutes with the broker's and Flink's hot code; {@code AbstractHistogram.add}, called only
     * ~160 times a second by the ticker, ranks low in that queue and meanwhile runs as profiled C1 code about nine times
     * slower. Measured on the full node at 50,000 events/s: ticker 1.7 ms/s when compiled, 15.9 ms/s while queued
     * (and a scrape 15 ms vs 250 ms). Takes a few tens of milliseconds once per JVM.
     */
    static void warmUpMergeCode() {
        StageLatency stage = new StageLatency(Stage.QUERY);
        long sink = 0;
        for (int round = 0; round < 400; round++) {
            for (int i = 1; i <= 64; i++) {
                stage.recorder.recordValue((long) i * 7_919 * (round % 13 + 1));
            }
            stage.recordedSinceDrain = true;
            stage.tick();
            sink += stage.window(SLOTS_PER_SECOND).getValueAtPercentile(99);
            sink += stage.worstSlotPercentile(SLOTS_PER_SECOND, 99);
            if (round % 8 == 0) {
                sink += stage.snapshot().getValueAtPercentile(99.9) + stage.count() + stage.totalNanos();
            }
        }
        // keeps the loop's results alive, so the compiler cannot drop the work being warmed
        warmUpSink = sink;
    }

    /** 1 when every event is recorded, n when one in n is (see {@link #recordNanos}). */
    int sampleEvery() {
        return sampleEvery;
    }

    /** Turns latency recording of every stage on or off, to measure its cost against nothing. */
    public static void setRecording(boolean on) {
        recording = on;
    }

    /** Events recorded since start (never reset: Prometheus counters only grow). Thread-safe. */
    public synchronized long count() {
        drain();
        return countBeforeReset + accumulated.getTotalCount();
    }

    /** Sum of all recorded latencies since start, in nanoseconds. */
    public synchronized long totalNanos() {
        drain();
        // the mean walks the recorded buckets once: a scrape's cost, never a recording's
        return (long) (totalNanosBeforeReset + accumulated.getMean() * accumulated.getTotalCount());
    }

    /** A copy of everything recorded since start or the last {@link #reset}. Thread-safe. */
    public synchronized Histogram snapshot() {
        drain();
        return accumulated.copy();
    }

    /** Forgets everything recorded so far, e.g. at the end of a benchmark's warm-up. Thread-safe. */
    public synchronized void reset() {
        drain();
        countBeforeReset += accumulated.getTotalCount();
        totalNanosBeforeReset += accumulated.getMean() * accumulated.getTotalCount();
        accumulated.reset();
    }

    /**
     * Closes the current {@value #TICK_MS}-ms slot: what was recorded since the last tick becomes the newest slot and
     * the oldest slot is recycled as the open one. Called by {@link LatencyMetrics}' ticker; thread-safe.
     */
    public synchronized void tick() {
        drain();
        int newest = (int) (ticks % SLOTS);
        AbstractHistogram recycled = slots[newest];
        slots[newest] = open;
        recycled.reset();
        open = recycled;
        ticks++;
        long lastSlot = slots[newest].getTotalCount();
        sampleEvery = lastSlot > SAMPLE_ABOVE_PER_SLOT ? (int) Math.min(1 << 16, lastSlot / SAMPLES_PER_SLOT) : 1;
    }

    /**
     * The merged histogram of the last {@code slotCount} closed slots (10 = the last second), computed once per tick
     * however often it is asked. The result is shared: read it, do not change it. Thread-safe.
     */
    public synchronized AbstractHistogram window(int slotCount) {
        int n = Math.max(1, Math.min(slotCount, SLOTS));
        if (windowsComputedAtTick != ticks) {
            Arrays.fill(windows, null);
            windowsComputedAtTick = ticks;
        }
        AbstractHistogram merged = windows[n];
        if (merged == null) {
            merged = slotHistogram();
            for (int i = 1; i <= Math.min(n, ticks); i++) {
                merged.add(slots[(int) ((ticks - i) % SLOTS)]);
            }
            windows[n] = merged;
        }
        return merged;
    }

    /** The highest {@code percentile} of any single slot among the last {@code slotCount}, in ns; 0 when all are empty. */
    public synchronized long worstSlotPercentile(int slotCount, double percentile) {
        long worst = 0;
        for (int i = 1; i <= Math.min(Math.min(slotCount, SLOTS), ticks); i++) {
            AbstractHistogram slot = slots[(int) ((ticks - i) % SLOTS)];
            if (slot.getTotalCount() > 0) {
                worst = Math.max(worst, slot.getValueAtPercentile(percentile));
            }
        }
        return worst;
    }

    private void drain() {
        if (!recordedSinceDrain && interval != null) {
            // nothing recorded since the last drain (an idle stage): skip flipping and merging the counts
            return;
        }
        // cleared before the flip: a writer records first and then sets the flag, so a value recorded after the flip
        // sets it again and is drained next time
        recordedSinceDrain = false;
        interval = recorder.getIntervalHistogram(interval);
        if (interval.getTotalCount() == 0) {
            return;
        }
        accumulated.add(interval);
        open.add(interval);
    }
}
