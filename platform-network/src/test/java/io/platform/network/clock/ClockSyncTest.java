package io.platform.network.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.wire.EpochClock;
import java.net.SocketTimeoutException;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class ClockSyncTest {
    @Test
    void estimatesAServerClockThatIsAheadAndRunsFast() throws Exception {
        long offsetNs = 5_000_000;
        double driftPpm = 2000;
        long start = System.nanoTime();
        // the server's clock: 5 ms ahead, gaining 2 ms per second
        LongSupplier server = () -> {
            long elapsed = System.nanoTime() - start;
            return EpochClock.nowNs() + offsetNs + (long) (elapsed * driftPpm / 1e6);
        };
        try (TimeServer timeServer = new TimeServer("127.0.0.1", 0, server);
             ClockSync sync = new ClockSync("127.0.0.1", timeServer.port(), EpochClock::nowNs)) {
            ClockSync.Estimate first = sync.round(20);
            long expected = offsetNs + (long) ((System.nanoTime() - start) * driftPpm / 1e6);
            assertEquals(expected, first.offsetNs(), 1_000_000, "offset within 1 ms on loopback: " + first);
            assertTrue(first.delayNs() >= 0 && first.delayNs() < 5_000_000, "round trip delay " + first.delayNs());
            for (int i = 0; i < 10; i++) {
                Thread.sleep(100);
                sync.round(10);
            }
            assertEquals(driftPpm, sync.driftPpm(), 500, "drift " + sync.driftPpm() + " ppm");
        }
    }

    @Test
    void saysSoWhenNoServerAnswers() throws Exception {
        try (ClockSync sync = new ClockSync("127.0.0.1", 9, EpochClock::nowNs)) {
            assertThrows(SocketTimeoutException.class, () -> sync.round(2));
        }
    }
}
