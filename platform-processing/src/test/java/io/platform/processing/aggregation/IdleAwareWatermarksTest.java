package io.platform.processing.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkOutputMultiplexer;
import io.platform.processing.sources.SourceProgress;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * The watermark of one source subtask reading two Kafka partitions, combined by Flink's own multiplexer as the source
 * operator combines its splits (periodic emits every 200 ms): a silent partition stops holding windows back after the
 * idleness timeout, but not while the subtask still reads a backlog, when its records may simply be next in line.
 */
class IdleAwareWatermarksTest {
    private static final Duration OUT_OF_ORDERNESS = Duration.ofMillis(100);
    private static final Duration IDLENESS = Duration.ofSeconds(1);
    private static final long PERIOD_MS = 200;

    /** Wall time, which Kafka timestamps are compared with. */
    private final ManualClock wall = new ManualClock(1_700_000_000_000L * 1_000_000);
    /** Flink's input activity clock, which stops while the source is back-pressured. */
    private final ManualClock activity = new ManualClock();
    private final SourceProgress progress = new SourceProgress();
    private final List<Long> combined = new ArrayList<>();
    private final WatermarkOutputMultiplexer splits = new WatermarkOutputMultiplexer(new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            combined.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
        }

        @Override
        public void markActive() {
        }
    });
    private final IdleAwareWatermarks<Long> first = split("p0");
    private final IdleAwareWatermarks<Long> second = split("p1");

    @Test
    void aPartitionWhoseRecordsWaitBehindAnothersBacklogHoldsTheWatermark() {
        // a restart: the consumer takes longer than the idleness timeout to fetch, so both partitions go idle
        passPeriods(8);
        assertEquals(List.of(), combined, "nothing read yet, nothing to emit");
        // then the first partition's backlog (produced 8 s ago) is handed out for 2 s, the second's queued behind it
        for (int period = 0; period < 10; period++) {
            read("p0", first, 10_000 + period * 200, 10_000 + (period + 1) * 200, nowMs() - 8_000);
            passPeriods(1);
            assertEquals(List.of(), combined, "the idle partition became active again and holds the watermark back");
        }
        // the second partition's records come: none of them is late, the watermark follows the slower partition
        read("p1", second, 10_000, 11_000, nowMs() - 8_000);
        passPeriods(1);
        assertEquals(List.of(10_999L - 100 - 1), combined);
    }

    @Test
    void anIdlePartitionHoldsTheWatermarkWhileABurstIsHandedOut() {
        // a quiet start: both partitions idle
        passPeriods(8);
        // a burst, all fresh: 4 s of event time on the first partition handed out before the second's records
        handOut("p0", first, 10_000, 14_000, nowMs() - 5);
        passPeriods(1);
        assertEquals(List.of(), combined, "the reader still has records to hand out: the silent partition holds the watermark");
        read("p1", second, 10_000, 14_000, nowMs() - 5);
        passPeriods(1);
        assertEquals(List.of(13_999L - 100 - 1), combined, "none of the second partition's events came late");
    }

    @Test
    void aPartitionThatNeverHadAnEventStopsHoldingBackOnceSilentForTheTimeout() {
        for (int period = 0; period < 4; period++) {
            read("p0", first, 10_000 + period * 200, 10_000 + (period + 1) * 200, nowMs() - 5);
            passPeriods(1);
        }
        assertEquals(List.of(), combined, "within the timeout the empty partition may still have events coming");
        read("p0", first, 10_800, 11_000, nowMs() - 5);
        passPeriods(1);
        assertEquals(List.of(10_999L - 100 - 1), combined, "silent for the timeout, the subtask read to the present: idle");
    }

    @Test
    void aQuietStreamsWatermarkMovesOnWithTheClockOnceCaughtUp() {
        read("p0", first, 10_000, 11_000, nowMs() - 5);
        read("p1", second, 10_000, 11_000, nowMs() - 5);
        passPeriods(1);
        assertEquals(List.of(10_999L - 100 - 1), combined);
        passPeriods(15); // no more events: 3 s, 2 s beyond the idleness timeout
        assertEquals(10_999L - 100 - 1 + 2_000, combined.get(combined.size() - 1), "the last windows close on a quiet stream");
    }

    @Test
    void aSilentPartitionKeepsItsEventTimeWhileTheSubtaskIsBehind() {
        read("p0", first, 10_000, 11_000, nowMs() - 5);
        read("p1", second, 10_000, 11_000, nowMs() - 5);
        passPeriods(1);
        // the second partition falls silent; the first is read at a lag of 5 s (the job fell behind) for 3 s
        for (int period = 0; period < 15; period++) {
            read("p0", first, 11_000 + period * 200, 11_000 + (period + 1) * 200, nowMs() - 5_000);
            passPeriods(1);
        }
        assertEquals(List.of(10_999L - 100 - 1), combined, "held at the silent partition's own event time");
        // caught up: records fresh again; a timeout later the silent partition's time moves on with the clock
        for (int period = 0; period < 6; period++) {
            read("p0", first, 14_000 + period * 200, 14_000 + (period + 1) * 200, nowMs() - 5);
            passPeriods(1);
        }
        assertEquals(true, combined.get(combined.size() - 1) > 10_999L - 100 - 1, "idle once the subtask read no backlog for the timeout: " + combined);
    }

    @Test
    void backPressureIsNotSilence() {
        read("p0", first, 10_000, 11_000, nowMs() - 5);
        read("p1", second, 10_000, 11_000, nowMs() - 5);
        passPeriods(1);
        // the downstream blocks the source for 5 s: the activity clock stands still, periodic emits go on
        for (int period = 0; period < 25; period++) {
            wall.advanceTime(Duration.ofMillis(PERIOD_MS));
            emitPeriodic();
        }
        assertEquals(List.of(10_999L - 100 - 1), combined, "a source that may not emit is not idle");
    }

    private long nowMs() {
        return wall.absoluteTimeMillis();
    }

    private IdleAwareWatermarks<Long> split(String id) {
        splits.registerNewOutput(id, watermark -> {
        });
        return new IdleAwareWatermarks<>(OUT_OF_ORDERNESS, IDLENESS, progress, activity);
    }

    /**
     * Events with event times {@code from..to-1}, produced at {@code logTimeMs}, handed out by the reader: what the
     * assigner and the split's generator see. The reader has drained what it fetched afterwards.
     */
    private void read(String split, IdleAwareWatermarks<Long> generator, long from, long to, long logTimeMs) {
        handOut(split, generator, from, to, logTimeMs);
        progress.onPoll(true);
    }

    /** As {@link #read}, but the reader has more fetched records to hand out afterwards (a burst). */
    private void handOut(String split, IdleAwareWatermarks<Long> generator, long from, long to, long logTimeMs) {
        for (long eventTime = from; eventTime < to; eventTime++) {
            progress.onPoll(false);
            progress.onRecord(logTimeMs, nowMs(), IDLENESS.toMillis());
            generator.onEvent(eventTime, eventTime, splits.getImmediateOutput(split));
        }
    }

    /** {@code periods} periodic-emit intervals of wall and activity time pass, each ending with an emit. */
    private void passPeriods(int periods) {
        for (int i = 0; i < periods; i++) {
            wall.advanceTime(Duration.ofMillis(PERIOD_MS));
            activity.advanceTime(Duration.ofMillis(PERIOD_MS));
            emitPeriodic();
        }
    }

    private void emitPeriodic() {
        first.onPeriodicEmit(splits.getDeferredOutput("p0"));
        second.onPeriodicEmit(splits.getDeferredOutput("p1"));
        splits.onPeriodicEmit();
    }
}
