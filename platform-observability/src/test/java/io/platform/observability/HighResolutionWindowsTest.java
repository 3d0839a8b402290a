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

    private static void record(StageLatency stage, int count, long nanos) {
        for (int i = 0; i < count; i++) {
            stage.recordNanos(nanos);
        }
    }
}
