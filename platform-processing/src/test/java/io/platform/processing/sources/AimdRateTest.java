package io.platform.processing.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The AIMD rule: after two back-pressured intervals in a row back off below what the downstream took, probe back up
 * by steps that grow while it keeps up, lift the limit when it no longer binds.
 */
class AimdRateTest {
    private final AimdRate rate = new AimdRate(AimdRate.Settings.defaults());

    @Test
    void noLimitWhileTheDownstreamKeepsUp() {
        assertEquals(Double.POSITIVE_INFINITY, rate.update(50_000, 0.0, false));
        assertEquals(Double.POSITIVE_INFINITY, rate.update(80_000, 0.05, false), "5% waiting is below the 10% that counts as back-pressure");
    }

    @Test
    void oneBackPressuredIntervalIsABurstTheBuffersAbsorb() {
        assertEquals(Double.POSITIVE_INFINITY, rate.update(20_000, 0.5, false));
        assertEquals(Double.POSITIVE_INFINITY, rate.update(80_000, 0.0, false));
        assertEquals(Double.POSITIVE_INFINITY, rate.update(20_000, 0.5, false), "not two in a row");
    }

    @Test
    void sustainedBackPressureCutsTheRateBelowWhatTheDownstreamTookAndEachFurtherIntervalCutsAgain() {
        rate.update(80_000, 0.0, false);
        rate.update(20_000, 0.5, false);
        assertEquals(14_000, rate.update(20_000, 0.5, false), 1e-6, "0.7 of the 20,000/s the downstream took");
        assertEquals(9_800, rate.update(14_000, 0.3, true), 1e-6, "still pushed back: 0.7 of the limit again");
        AimdRate slow = new AimdRate(AimdRate.Settings.defaults());
        slow.update(10, 1.0, false);
        assertEquals(100, slow.update(10, 1.0, false), "never below the floor");
    }

    @Test
    void onceClearTheRateGrowsByStepsOfTheHighestRateSeenThatDoubleWhileItStaysClearUntilTheLimitNoLongerBinds() {
        rate.update(80_000, 0.0, false);
        rate.update(20_000, 0.5, false);
        double limit = rate.update(20_000, 0.5, false);
        assertEquals(limit + 1_600, rate.update(limit, 0.0, true), 1e-6, "first step: 2% of the 80,000/s peak");
        assertEquals(limit + 1_600 + 3_200, rate.update(limit, 0.0, true), 1e-6, "the step doubles while the downstream keeps up");
        assertEquals(limit + 1_600 + 3_200 + 6_400, rate.update(limit, 0.0, true), 1e-6);
        rate.update(9_000, 0.4, false);
        assertEquals(6_300, rate.update(9_000, 0.4, false), 1e-6, "pushed back again: 0.7 of the 9,000/s taken");
        assertEquals(6_300 + 1_600, rate.update(1_000, 0.0, true), 1e-6, "and the steps start small again");
        double step = 0;
        for (int i = 0; i < 10; i++) {
            double before = rate.limit();
            step = rate.update(1_000, 0.0, true) - before;
        }
        assertEquals(1_600 * 64, step, 1e-6, "steps stop doubling at 64 times the first");
        for (int i = 1; i < 10; i++) {
            assertTrue(Double.isFinite(rate.update(1_000, 0.0, false)), "kept while it did not bind for fewer than 10 intervals");
        }
        assertEquals(Double.POSITIVE_INFINITY, rate.update(1_000, 0.0, false), "lifted after 10 intervals in which it did not bind");
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AimdRate.Settings(100, 1.5, 0.02, 0.1, 10, 100_000_000L));
        assertThrows(IllegalArgumentException.class, () -> new AimdRate.Settings(0, 0.7, 0.02, 0.1, 10, 100_000_000L));
    }
}
