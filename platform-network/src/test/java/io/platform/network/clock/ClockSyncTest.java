package io.platform.network.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.wire.EpochClock;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class ClockSyncTest {
    /** Simulated time each clock read takes: every exchange sees the same symmetric hops. */
    private static final long HOP_NS = 10_000;

    @Test
    void estimatesAServerClockThatIsAheadAndRunsFast() throws Exception {
        long offsetNs = 5_000_000;
        double driftPpm = 2000;
        // both clocks read one simulated time base that moves HOP_NS at each read, so how late a loaded host runs the
        // server thread or the client changes no timestamp; the exchanges still cross a real socket
        AtomicLong base = new AtomicLong(EpochClock.nowNs());
        long start = base.get();
        LongSupplier local = () -> base.getAndAdd(HOP_NS);
        // the server's clock: 5 ms ahead, gaining 2 ms per second
        LongSupplier server = () -> {
            long now = base.getAndAdd(HOP_NS);
            return now + offsetNs + (long) ((now - start) * driftPpm / 1e6);
        };
        try (TimeServer timeServer = new TimeServer("127.0.0.1", 0, server);
             ClockSync sync = new ClockSync("127.0.0.1", timeServer.port(), local)) {
            ClockSync.Estimate first = sync.round(20);
            long expected = offsetNs + (long) ((base.get() - start) * driftPpm / 1e6);
            assertEquals(expected, first.offsetNs(), 1_000_000, "offset within 1 ms: " + first);
            assertTrue(first.delayNs() >= 0 && first.delayNs() < 5_000_000, "round trip delay " + first.delayNs());
            for (int i = 0; i < 10; i++) {
                base.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
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
