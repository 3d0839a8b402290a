package io.platform.network.aeron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.platform.network.FrameConnection;
import io.platform.network.FrameHandler;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A publisher learns of a slow receiver from offer's return code, and the frame stays the caller's to retry. */
class AeronBackPressureTest {
    @Test
    void offerReportsBackPressureWhileTheReceiverPausesAndSucceedsAfterItResumes() throws Exception {
        AtomicReference<FrameConnection> serverSide = new AtomicReference<>();
        AtomicLong received = new AtomicLong();
        FrameHandler pauseOnFirst = (connection, frame) -> {
            received.incrementAndGet();
            if (serverSide.compareAndSet(null, connection)) {
                connection.setReading(false);
            }
        };
        try (AeronTransport aeron = AeronTransport.launch("backoff");
             AeronFrameServer server = new AeronFrameServer(aeron, "aeron:ipc", 3101, 4096, pauseOnFirst);
             AeronFrameClient client = AeronFrameClient.connect(aeron, "aeron:ipc", 3101, "aeron:ipc", 4096, (c, f) -> { }, 10_000)) {
            FrameConnection connection = client.connection();
            ByteBuf frame = Unpooled.buffer(1024, 1024).writeZero(1024);
            assertEquals(FrameConnection.Offer.SENT, connection.offer(frame.retain()));
            while (serverSide.get() == null) {
                Thread.sleep(1);
            }
            FrameConnection.Offer last = FrameConnection.Offer.SENT;
            long sent = 1;
            for (int i = 0; i < 1_000_000 && last == FrameConnection.Offer.SENT; i++) {
                frame.retain();
                last = connection.offer(frame);
                if (last == FrameConnection.Offer.SENT) {
                    sent++;
                } else {
                    frame.release();
                }
            }
            assertEquals(FrameConnection.Offer.BACK_PRESSURED, last, "the paused receiver's window filled after " + sent + " frames");
            assertTrue(frame.refCnt() >= 1, "a refused frame stays the caller's");

            serverSide.get().setReading(true);
            long deadline = System.currentTimeMillis() + 10_000;
            FrameConnection.Offer retried;
            do {
                frame.retain();
                retried = connection.offer(frame);
                if (retried != FrameConnection.Offer.SENT) {
                    frame.release();
                    Thread.sleep(1);
                }
            } while (retried != FrameConnection.Offer.SENT && System.currentTimeMillis() < deadline);
            assertEquals(FrameConnection.Offer.SENT, retried, "taken again once the receiver drains");
            long expected = sent + 1;
            while (received.get() < expected && System.currentTimeMillis() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(expected, received.get(), "every frame the transport took arrived");
        }
    }
}
