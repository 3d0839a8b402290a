package io.platform.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyMetricsTest {
    @Test
    void shouldKeepTailPercentilesWithinOnePercentAndExposeThemToPrometheus() {
        StageLatency query = LatencyMetrics.global().stage(Stage.QUERY);
        query.reset();
        for (int i = 1; i <= 1000; i++) {
            query.recordNanos(i * 1_000_000L);
        }
        Histogram snapshot = query.snapshot();
        assertEquals(1000, snapshot.getTotalCount());
        // two significant digits: every value is reported within 1% of what was recorded
        assertEquals(990, snapshot.getValueAtPercentile(99) / 1_000_000.0, 9.9);
        assertEquals(1000, snapshot.getMaxValue() / 1_000_000.0, 10.0);
        String scrape = LatencyMetrics.global().scrape();
        assertTrue(scrape.contains("platform_stage_latency_hdr_ms{quantile=\"0.999\",stage=\"query\"}"), scrape);
        assertTrue(scrape.contains("platform_stage_latency_seconds_count{stage=\"query\"}"), scrape);
    }

    @Test
    void clampsNegativeAndHugeValuesInsteadOfFailing() {
        StageLatency e2e = LatencyMetrics.global().stage(Stage.END_TO_END);
        e2e.reset();
        e2e.recordNanos(-5);
        e2e.recordNanos(Long.MAX_VALUE);
        assertEquals(2, e2e.snapshot().getTotalCount());
        e2e.reset();
        assertEquals(0, e2e.snapshot().getTotalCount());
    }
}
