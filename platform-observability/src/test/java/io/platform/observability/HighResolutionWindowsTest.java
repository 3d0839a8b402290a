package io.platform.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.HdrHistogram.AbstractHistogram;
import org.junit.jupiter.api.Test;

/** 100-ms slots: windows merge them exactly, a spike in one slot stays visible, old slots age out. */
class HighResolutionWindowsTest {
    private static final long MS = 1_000_000L;

    @Test
    void aWindowIsTheMergeOfItsSlotsNotAnAverageOfTheirPercentiles() {
        StageLatency stage = StageLatency.unregistered(Stage.QUERY);
        // nine quiet slots of 1 ms and one slot with 100 values of 50 ms: 1% of the second is slow
        for (int slot = 0; slot < 9; slot++) {
            record(stage, 1100, MS);
            stage.tick();
        }
        record(stage, 100, 50 * MS);
        stage.tick();

        AbstractHistogram lastSecond = stage.window(10);
        assertEquals(9 * 1100 + 100, lastSecond.getTotalCount());
        // exact over the merged values: p99 falls among the 1-ms values, p99.9 among the 50-ms ones
        assertEquals(1.0, lastSecond.getValueAtPercentile(99) / (double) MS, 0.02);
        assertEquals(50.0, lastSecond.getValueAtPercentile(99.9) / (double) MS, 0.5);
        // an average of the ten slot p99s would claim (9 x 1 + 50) / 10 = 5.9 ms, a value no event had
    }

    @Test
    void theWorstSlotShowsASpikeThatTheTenSecondWindowFlattens() {
        StageLatency stage = StageLatency.unregistered(Stage.QUERY);
        for (int slot = 0; slot < 99; slot++) {
            record(stage, 1000, 2 * MS);
            stage.tick();
        }
        record(stage, 1000, 80 * MS);
        stage.tick();

        assertEquals(2.0, stage.window(StageLatency.SLOTS).getValueAtPercentile(99) / (double) MS, 0.05,
                "one slow 100 ms in 10 s is 1% of events: the 10-s p99 stays at the normal latency");
        assertEquals(80.0, stage.worstSlotPercentile(StageLatency.SLOTS, 99) / (double) MS, 1.0,
                "the slot view still shows the spike");
    }

    @Test
    void slotsOlderThanTenSecondsAgeOutAndWindowsFollowNewTicks() {
        StageLatency stage = StageLatency.unregistered(Stage.QUERY);
        record(stage, 10, 500 * MS);
        stage.tick();
        assertEquals(10, stage.window(10).getTotalCount());
        for (int slot = 0; slot < StageLatency.SLOTS; slot++) {
            record(stage, 1, MS);
            stage.tick();
        }
        assertEquals(StageLatency.SLOTS, stage.window(StageLatency.SLOTS).getTotalCount(), "the 500-ms slot has been recycled");
        assertTrue(stage.worstSlotPercentile(StageLatency.SLOTS, 99) < 2 * MS);
        assertEquals(10, stage.window(10).getTotalCount());
    }

    @Test
    void countAndTotalForPrometheusOnlyGrowAcrossResets() {
        StageLatency stage = StageLatency.unregistered(Stage.QUERY);
        record(stage, 3, MS);
        stage.reset();
        record(stage, 1, 2 * MS);
        assertEquals(4, stage.count());
        assertEquals(5.0, stage.totalNanos() / (double) MS, 0.05, "the total from the histograms' means, within their 1% buckets");
        assertEquals(1, stage.snapshot().getTotalCount(), "the snapshot forgets what came before the reset");
    }

    @Test
    void theGlobalTickerExportsWindowsToPrometheus() throws InterruptedException {
        StageLatency validate = LatencyMetrics.global().stage(Stage.VALIDATE);
        validate.recordNanos(3 * MS);
        long deadline = System.currentTimeMillis() + 5_000;
        while (validate.window(10).getTotalCount() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(validate.window(10).getTotalCount() > 0, "the 100-ms ticker closed a slot");
        String scrape = LatencyMetrics.global().scrape();
        assertTrue(scrape.contains("platform_stage_latency_window_ms{quantile=\"0.99\",stage=\"validate\",window=\"1s\"}"), scrape);
        assertTrue(scrape.contains("platform_stage_latency_worst_slot_p99_ms{stage=\"validate\"}"), scrape);
        assertTrue(scrape.contains("platform_metrics_collection_cpu_seconds_total"), scrape);
    }

    @Test
    void underHeavyLoadAStageSamplesYetKeepsItsCountAndPercentiles() {
        StageLatency stage = StageLatency.unregistered(Stage.VALIDATE);
        // 50,000 events in one slot (500,000 a second): far above the sampling threshold
        recordSpread(stage, 50_000);
        stage.tick();
        assertEquals(50_000, stage.window(1).getTotalCount(), "the slot that reveals the load was recorded whole");
        assertEquals(50_000 / StageLatency.SAMPLES_PER_SLOT, stage.sampleEvery(), "the next slot samples 1 in 12");

        recordSpread(stage, 50_000);
        stage.tick();
        AbstractHistogram sampled = stage.window(1);
        // each sample counts 12 times: the count is right on average (binomial spread ~1.5%)
        assertEquals(50_000, sampled.getTotalCount(), 3_000);
        assertEquals(990.0, sampled.getValueAtPercentile(99) / 1_000.0, 990 * 0.03, "p99 of values spread evenly over 1..1000 us");
        assertEquals(500.0, sampled.getValueAtPercentile(50) / 1_000.0, 500 * 0.05);

        record(stage, 100, MS);
        stage.tick();
        assertEquals(1, stage.sampleEvery(), "a light slot records every event again");
        record(stage, 100, MS);
        stage.tick();
        assertEquals(100, stage.window(1).getTotalCount());
    }

    /** {@code count} values spread evenly over 1..1000 microseconds. */
    private static void recordSpread(StageLatency stage, int count) {
        for (int i = 0; i < count; i++) {
            stage.recordNanos((i % 1000 + 1) * 1_000L);
        }
    }

    private static void record(StageLatency stage, int count, long nanos) {
        for (int i = 0; i < count; i++) {
            stage.recordNanos(nanos);
        }
    }
}
