package io.platform.network.aeron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.platform.network.FrameConnection;
import io.platform.network.FrameHandler;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The driver's counters that become metrics move with the traffic: bytes over UDP, and back-pressure from a slow receiver. */
class DriverCounterTest {
    @Test
    void bytesAndBackPressureOverUdpShowInTheDriversCounters() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String channel = "aeron:udp?endpoint=127.0.0.1:" + port;
        AtomicReference<FrameConnection> serverSide = new AtomicReference<>();
        FrameHandler pauseOnFirst = (connection, frame) -> {
            if (serverSide.compareAndSet(null, connection)) {
                connection.setReading(false);
            }
        };
        AeronTransport aeron = AeronTransport.launch("backoff");
        try (AeronFrameServer server = new AeronFrameServer(aeron, channel, 3201, 4096, pauseOnFirst);
             AeronFrameClient client = AeronFrameClient.connect(aeron, channel, 3201, "aeron:udp?endpoint=127.0.0.1:0", 4096, (c, f) -> { }, 10_000)) {
            long bytesBefore = aeron.read(DriverCounter.BYTES_SENT);
            assertEquals(0, aeron.read(DriverCounter.BACK_PRESSURE_EVENTS), "no receiver has been slow yet");
            ByteBuf frame = Unpooled.buffer(1024, 1024).writeZero(1024);
            FrameConnection connection = client.connection();
            long sent = 0;
            long deadline = System.currentTimeMillis() + 10_000;
            // the receiver stops reading after its first frame: the sender runs into its window
            while (aeron.read(DriverCounter.BACK_PRESSURE_EVENTS) == 0 && System.currentTimeMillis() < deadline) {
                frame.retain();
                if (connection.offer(frame) == FrameConnection.Offer.SENT) {
                    sent++;
                } else {
                    frame.release();
                    Thread.sleep(1);
                }
            }
            assertTrue(aeron.read(DriverCounter.BACK_PRESSURE_EVENTS) > 0, "a paused receiver shows as sender flow control limits");
            assertTrue(aeron.read(DriverCounter.BYTES_SENT) - bytesBefore >= 1024 * Math.min(sent, 64),
                    "bytes sent grew by at least the frames that left: " + (aeron.read(DriverCounter.BYTES_SENT) - bytesBefore));
            assertEquals(0, aeron.read(DriverCounter.ERRORS));
            // on a slow machine the sender can reach its window before the server's poller takes the first frame:
            // then no connection was paused and there is nothing to resume
            FrameConnection paused = serverSide.get();
            if (paused != null) {
                paused.setReading(true);
            }
        } finally {
            aeron.close();
        }
        assertEquals(0, aeron.read(DriverCounter.BYTES_SENT), "a closed driver reads 0 instead of unmapped memory");
    }
}
