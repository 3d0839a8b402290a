package io.platform.query.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DistinctCounterTest {
    @Test
    void countsFewValuesExactlyAndManyWithinAFewPercent() {
        DistinctCounter few = new DistinctCounter();
        for (int i = 0; i < 10_000; i++) {
            few.addString("device-" + (i % 40));
        }
        assertEquals(40, few.estimate());
        for (int n : new int[] {1_000, 100_000, 1_000_000}) {
            DistinctCounter many = new DistinctCounter();
            for (long i = 0; i < n; i++) {
                many.addLong(i * 7919);
                many.addLong(i * 7919); // repeats do not count
            }
            double error = Math.abs(many.estimate() - n) / (double) n;
            assertTrue(error < 0.06, n + " distinct estimated as " + many.estimate());
        }
    }

    @Test
    void aMergeCountsTheUnion() {
        DistinctCounter a = new DistinctCounter();
        DistinctCounter b = new DistinctCounter();
        for (int i = 0; i < 50_000; i++) {
            a.addDouble(i * 0.5);
            b.addDouble((i + 25_000) * 0.5);
        }
        a.merge(b);
        double error = Math.abs(a.estimate() - 75_000) / 75_000.0;
        assertTrue(error < 0.06, "union of 75,000 estimated as " + a.estimate());
        DistinctCounter zeros = new DistinctCounter();
        zeros.addDouble(0.0);
        zeros.addDouble(-0.0);
        assertEquals(1, zeros.estimate(), "0.0 and -0.0 are one value in SQL");
    }
}
