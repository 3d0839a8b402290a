package io.platform.network.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Suspicion grows with silence, and faster on a regular path than on a jittery one. */
class PhiAccrualDetectorTest {
    private static final long MS = 1_000_000;

    @Test
    void suspicionGrowsWithSilence() {
        PhiAccrualDetector detector = new PhiAccrualDetector(100, MS);
        long t = 0;
        for (int i = 0; i < 50; i++) {
            detector.heartbeat(t);
            t += 20 * MS;
        }
        long last = t - 20 * MS;
        assertEquals(0, detector.phi(last + 10 * MS), 0.5, "half an interval: no suspicion");
        assertTrue(detector.phi(last + 25 * MS) > 1, "a bit late: some suspicion");
        assertTrue(detector.phi(last + 60 * MS) > 8, "three intervals of silence on a regular path: dead");
        assertTrue(detector.phi(last + 60 * MS) > detector.phi(last + 40 * MS));
    }

    @Test
    void aJitteryPathIsGivenMoreTimeThanARegularOne() {
        PhiAccrualDetector regular = new PhiAccrualDetector(100, MS);
        PhiAccrualDetector jittery = new PhiAccrualDetector(100, MS);
        long a = 0;
        long b = 0;
        for (int i = 0; i < 60; i++) {
            regular.heartbeat(a);
            jittery.heartbeat(b);
            a += 20 * MS;
            b += (i % 2 == 0 ? 5 : 35) * MS;
        }
        long silence = 45 * MS;
        assertTrue(regular.phi(a - 20 * MS + silence) > jittery.phi(b - 5 * MS + silence),
                "the same silence is more suspicious where heartbeats were regular");
    }

    @Test
    void nothingToJudgeBeforeTwoHeartbeats() {
        PhiAccrualDetector detector = new PhiAccrualDetector(10, MS);
        assertEquals(0, detector.phi(1_000 * MS));
        detector.heartbeat(0);
        assertEquals(0, detector.phi(1_000 * MS));
    }
}
