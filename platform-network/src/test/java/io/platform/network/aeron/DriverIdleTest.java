package io.platform.network.aeron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.platform.network.FrameConnection;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The driver sleeps only where it is off the data path, and IPC then still carries every frame, both ways. */
class DriverIdleTest {
    @Test
    void theDriverSleepsOnlyWhenEveryChannelIsIpc() {
        assertEquals(AeronTransport.SLEEPING, AeronTransport.driverIdleFor("yielding", "aeron:ipc"));
        assertEquals(AeronTransport.SLEEPING, AeronTransport.driverIdleFor("backoff", "aeron:ipc", "aeron:ipc?term-length=64k"));
        assertEquals("yielding", AeronTransport.driverIdleFor("yielding", "aeron:ipc", "aeron:udp?endpoint=127.0.0.1:40123"));
        assertEquals("backoff", AeronTransport.driverIdleFor("backoff", "aeron:udp?endpoint=127.0.0.1:40123"));
        assertEquals("backoff", AeronTransport.driverIdleFor("backoff"), "no channels known: as the pollers");
    }

    @Test
    void anUnknownPollerStrategyFailsBeforeADriverStarts() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> AeronTransport.launch(AeronTransport.SLEEPING));
        assertEquals("unknown idle strategy 'sleeping': use backoff, yielding or busy-spin", error.getMessage());
    }

    @Test
    void ipcPingPongThroughASleepingDriverLosesNothing() throws Exception {
        AtomicLong echoed = new AtomicLong();
        try (AeronTransport aeron = AeronTransport.launch("yielding", AeronTransport.SLEEPING, StaleDriverDirectories.PREFIX + "sleeping-" + ProcessHandle.current().pid());
             AeronFrameServer server = new AeronFrameServer(aeron, "aeron:ipc", 3301, 1 << 16, (connection, frame) -> connection.send(frame.retain()));
             AeronFrameClient client = AeronFrameClient.connectPolled(aeron, "aeron:ipc", 3301, "aeron:ipc", 1 << 16,
                     (connection, frame) -> echoed.compareAndSet(frame.getLong(0), frame.getLong(0) + 1), 10_000)) {
            FrameConnection connection = client.connection();
            ByteBuf frame = connection.alloc().buffer(1024).writeZero(1024);
            // more than a term buffer (4 MiB) each way, so the sleeping driver's housekeeping (publisher limits, term
            // rotation) is exercised, not only the first term
            int frames = 20_000;
            for (int i = 0; i < frames; i++) {
                frame.setLong(0, i);
                connection.send(frame.retain());
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (echoed.get() <= i && System.nanoTime() < deadline) {
                    client.poll();
                }
            }
            frame.release();
            assertEquals(frames, echoed.get(), "every frame came back, in order");
        }
    }
}
