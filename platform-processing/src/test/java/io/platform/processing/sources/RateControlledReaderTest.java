package io.platform.processing.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/**
 * The reader reads back-pressure from how its task calls it: when Flink stops calling between records (no buffer for
 * the output), it limits its rate; it then hands out records no faster than the limit, waking itself when tokens are
 * back; and it lifts the limit when the records stop coming faster than it.
 */
class RateControlledReaderTest {
    /** Simulated time one call takes when the downstream keeps up: well under {@link RateControlledReader#STALL_NANOS}. */
    private static final long CALL_NANOS = 1_000;
    /** Simulated time a wait for tokens takes: the reader's shortest wake-up. */
    private static final long WAKE_UP_NANOS = 100_000;
    private static final AimdRate.Settings FAST = new AimdRate.Settings(100, 0.7, 0.02, 0.10, 10, 10_000_000L);

    /** A reader with a record on every call, or none when {@code dry}. */
    private static final class Endless implements SourceReader<Long, SourceSplit> {
        long emitted;
        boolean dry;

        @Override
        public InputStatus pollNext(ReaderOutput<Long> output) {
            if (dry) {
                return InputStatus.NOTHING_AVAILABLE;
            }
            emitted++;
            return InputStatus.MORE_AVAILABLE;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void start() {
        }

        @Override
        public List<SourceSplit> snapshotState(long checkpointId) {
            return List.of();
        }

        @Override
        public void addSplits(List<SourceSplit> splits) {
        }

        @Override
        public void notifyNoMoreSplits() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void waitsBetweenRecordsReadAsBackPressureLimitTheRateWhichThenPacesTheRecordsAndIsLiftedWhenIdle() throws Exception {
        Endless source = new Endless();
        // simulated time: it passes only as the "task" below says, so a descheduled test thread is not back-pressure
        AtomicLong nowNs = new AtomicLong(TimeUnit.HOURS.toNanos(1));
        RateControlledReader<Long, SourceSplit> reader = new RateControlledReader<>(source, new AimdRate(FAST), new UnregisteredMetricsGroup(),
                nowNs::get);
        // a downstream that takes a record every 1 ms: the task calls back 1 ms after each record
        long end = nowNs.get() + TimeUnit.MILLISECONDS.toNanos(60);
        while (nowNs.get() < end) {
            reader.pollNext(null);
            nowNs.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertTrue(Double.isFinite(reader.limit()), "a task mostly waiting on its output is back-pressured");
        assertTrue(reader.limit() < 1_000, "below the ~1,000/s the downstream took: " + reader.limit());

        // the downstream recovers: the task calls as fast as the reader allows (a call takes 1 us, a million a second
        // unpaced); the reader paces itself
        long before = source.emitted;
        int throttled = 0;
        long start = nowNs.get();
        end = start + TimeUnit.MILLISECONDS.toNanos(200);
        while (nowNs.get() < end) {
            if (reader.pollNext(null) == InputStatus.NOTHING_AVAILABLE) {
                throttled++;
                // an empty bucket: the reader's availability is a future its wake-up completes when tokens are back
                reader.isAvailable().get(60, TimeUnit.SECONDS);
                nowNs.addAndGet(WAKE_UP_NANOS);
            } else {
                nowNs.addAndGet(CALL_NANOS);
            }
        }
        double seconds = (nowNs.get() - start) / 1e9;
        assertTrue(throttled > 0);
        double perSecond = (source.emitted - before) / seconds;
        assertTrue(perSecond < 200_000, "paced by the limit and its growth, not the source's own million per second: " + perSecond + "/s");
        assertTrue(reader.limit() > 1_000, "the limit grew while no back-pressure was seen: " + reader.limit());

        // no records for a while: the limit does not bind, and is lifted
        source.dry = true;
        end = nowNs.get() + TimeUnit.MILLISECONDS.toNanos(200);
        while (nowNs.get() < end) {
            reader.pollNext(null);
            nowNs.addAndGet(TimeUnit.MICROSECONDS.toNanos(200));
        }
        assertEquals(Double.POSITIVE_INFINITY, reader.limit());
    }
}
