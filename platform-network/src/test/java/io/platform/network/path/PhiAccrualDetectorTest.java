package io.platform.network.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Suspicion grows with silence, and faster on a regular path than on a jittery one. */
class PhiAccrualDetectorTest {
    private static final long MS = 1_000_000;
    private static final long LAST_OF_REGULAR = 49 * 20 * MS;

    /** 50 heartbeats 20 ms apart, the last at {@link #LAST_OF_REGULAR}. */
    private static PhiAccrualDetector regularPath() {
        PhiAccrualDetector detector = new PhiAccrualDetector(100, MS);
        for (int i = 0; i < 50; i++) {
            detector.heartbeat(i * 20 * MS);
        }
        return detector;
    }

    @Test
    void suspicionGrowsWithSilence() {
        PhiAccrualDetector detector = regularPath();
        long last = LAST_OF_REGULAR;
        assertEquals(0, detector.phi(last + 10 * MS), 0.5, "half an interval: no suspicion");
        assertTrue(detector.phi(last + 25 * MS) > 1, "a bit late: some suspicion");
        assertTrue(detector.phi(last + 60 * MS) > 8, "three intervals of silence on a regular path: dead");
        assertTrue(detector.phi(last + 60 * MS) > detector.phi(last + 40 * MS));
    }

    @Test
    void onlyTheSilenceThePathIsToBlameForCounts() {
        PhiAccrualDetector detector = regularPath();
        long last = LAST_OF_REGULAR;
        assertEquals(detector.phi(last + 60 * MS), detector.phiOfSilence(60 * MS), 1e-9, "the whole silence, as phi(now) sees it");
        // 500 ms since the last answer, of which the caller's own threads were held up for all but the last 10 ms
        assertTrue(detector.phi(last + 500 * MS) > 8, "all of it counted: dead");
        assertEquals(0, detector.phiOfSilence(10 * MS), 0.5, "only the 10 ms after the caller resumed: no suspicion");
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
