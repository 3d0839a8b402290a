package io.platform.replication.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridLogicalClockTest {
    @Test
    void shouldStayMonotonicWhenTheWallClockStepsBack() {
        AtomicLong wall = new AtomicLong(1_000);
        HybridLogicalClock clock = new HybridLogicalClock(wall::get);
        long a = clock.now();
        wall.set(900);
        long b = clock.now();
        assertTrue(b > a);
        assertEquals(1_000, HybridLogicalClock.physicalMs(b));
        assertEquals(1, HybridLogicalClock.logical(b));
    }

    @Test
    void shouldOrderAReceiveAfterTheRemoteSendEvenWithASlowLocalClock() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        AtomicLong fastWall = new AtomicLong(10_000);
        AtomicLong slowWall = new AtomicLong(5_000);
        HybridLogicalClock fast = new HybridLogicalClock(fastWall::get);
        HybridLogicalClock slow = new HybridLogicalClock(slowWall::get);
        for (int i = 0; i < 10_000; i++) {
            fastWall.addAndGet(random.nextInt(3));
            slowWall.addAndGet(random.nextInt(3));
            long sent = fast.now();
            long received = slow.receive(sent);
            assertTrue(received > sent, "seed=" + seed);
            assertTrue(slow.now() > received, "seed=" + seed);
        }
    }

    @Test
    void lastWriterWinsIsTheSameDecisionOnEverySite() {
        assertTrue(HybridLogicalClock.firstWins(5, 1, 4, 9));
        assertTrue(HybridLogicalClock.firstWins(5, 2, 5, 1));
        assertTrue(!HybridLogicalClock.firstWins(5, 1, 5, 2));
    }
}
