package io.platform.capacity.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HoltForecasterTest {
    @Test
    void shouldExtrapolateALinearTrendThroughNoise() {
        long seed = 42;
        Random random = new Random(seed);
        HoltForecaster forecaster = new HoltForecaster(0.3, 0.1);
        for (int day = 0; day < 200; day++) {
            forecaster.observe(1000 + 50.0 * day + random.nextGaussian() * 20);
        }
        // day 229 on the true line is 12,450
        assertEquals(12_450, forecaster.forecast(30), 300, "seed=" + seed);
        assertEquals(80, forecaster.periodsUntil(1000 + 50.0 * 279), 8);
    }

    @Test
    void saysNeverWhenTheSeriesShrinks() {
        HoltForecaster forecaster = new HoltForecaster(0.5, 0.5);
        for (int i = 0; i < 10; i++) {
            forecaster.observe(100 - i);
        }
        assertEquals(-1, forecaster.periodsUntil(1000));
        assertThrows(IllegalArgumentException.class, () -> new HoltForecaster(0, 0.5));
    }
}
