package io.platform.observability.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DynamicThresholdTest {
    private static final long FIVE_MINUTES = 300_000L;

    @Test
    void learnsEachTimeOfDaySeparately() {
        DynamicThreshold threshold = new DynamicThreshold(FIVE_MINUTES, 7, 4, 0.25, 2);
        for (int day = 0; day < 7; day++) {
            threshold.observe(day * 86_400_000L, 10 + day % 2);                        // 00:00 ~10 ms
            threshold.observe(day * 86_400_000L + 14 * 3_600_000L, 30 + day % 2);      // 14:00 ~30 ms
        }
        long tomorrow = 7 * 86_400_000L;
        assertTrue(threshold.threshold(tomorrow) < 20, "night threshold stays near the night baseline");
        assertTrue(threshold.threshold(tomorrow + 14 * 3_600_000L) > 35, "the daily peak has its own, higher threshold");
        assertEquals(Double.POSITIVE_INFINITY, threshold.threshold(tomorrow + 3_600_000L), "no history, no alert");
    }

    @Test
    void firesAfterSustainedExcessAndDoesNotLearnTheIncident() {
        DynamicThreshold threshold = new DynamicThreshold(86_400_000L, 5, 4, 0.25, 3);
        for (int day = 0; day < 5; day++) {
            assertFalse(threshold.observe(day * 86_400_000L, 10));
        }
        double before = threshold.threshold(0);
        assertFalse(threshold.observe(5 * 86_400_000L, 50));
        assertFalse(threshold.observe(6 * 86_400_000L, 50));
        assertTrue(threshold.observe(7 * 86_400_000L, 50));
        assertEquals(before, threshold.threshold(0), "incident values were not learned");
        assertFalse(threshold.observe(8 * 86_400_000L, 10), "clears on the first normal sample");
    }

    @Test
    void beatsAStaticThresholdOnAHistoryWithADailyPeakAndIncidents() {
        long seed = 20261124L;
        AlertEvaluation history = new AlertEvaluation(seed, FIVE_MINUTES, 14, 14, 20);
        AlertEvaluation.Score dynamic = history.score("dynamic (median + 4 MAD, sustain 3)",
                new DynamicThreshold(FIVE_MINUTES, 14, 4, 0.25, 3)::observe);
        // a static threshold just above the training peak misses incidents at night; one below it pages every afternoon
        AlertEvaluation.Score staticHigh = history.score("static 1.1 x training max", AlertEvaluation.staticRule(history.staticThreshold(1.1), 3));
        AlertEvaluation.Score staticLow = history.score("static 0.6 x training max", AlertEvaluation.staticRule(history.staticThreshold(0.6), 3));
        String figures = dynamic + "\n" + staticHigh + "\n" + staticLow + " (seed=" + seed + ")";
        assertTrue(dynamic.detected() >= 19, figures);
        assertTrue(dynamic.falseAlerts() <= 2, figures);
        assertTrue(staticHigh.detected() < dynamic.detected(), figures);
        assertTrue(staticLow.falseAlerts() > 5, figures);
        System.out.println(figures);
    }
}
