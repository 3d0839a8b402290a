package io.platform.deploy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benchmark's sample events: round-robin series by default, a Zipf law on request. */
class SensorEventsTest {
    @Test
    void zipfKeysGiveTheHottestSeriesItsShareAndEveryEventTheSameSeriesEachTimeItIsAsked() {
        SensorEvents events = new SensorEvents(7, 1_000, 1.2);
        int hottest = 0;
        int n = 200_000;
        for (long seq = 0; seq < n; seq++) {
            if (events.series(seq).startsWith("dev-0\u001f")) {
                hottest++;
            }
        }
        double expected = events.hottestShare();
        assertTrue(expected > 0.15 && expected < 0.3, "s=1.2 over 1,000 keys: the hottest has about a fifth, got " + expected);
        assertEquals(expected, hottest / (double) n, 0.01);
        assertEquals(events.series(12_345), events.series(12_345));
    }

    @Test
    void withoutSkewEverySeriesComesInTurn() {
        SensorEvents events = new SensorEvents(7, 3);
        assertEquals(events.series(0), events.series(3));
        assertEquals(1.0 / 3, events.hottestShare(), 1e-12);
    }
}
