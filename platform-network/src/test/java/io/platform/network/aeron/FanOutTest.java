package io.platform.network.aeron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.platform.network.FrameConnection;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FanOutTest {
    static final int FRAMES = 2_000;

    @Test
    void autoFallsBackToMdcOnALoopbackWithoutMulticastAndSaysWhy() throws Exception {
        // the loopback has no MULTICAST flag unless someone set it; then auto may pick multicast, which is right too
        String refusal = FanOut.multicastRefusal("127.0.0.1");
        FanOut.Channels channels = FanOut.choose("auto", "127.0.0.1", "239.255.0.1:40500", "127.0.0.1:40501");
        if (refusal != null) {
            assertEquals(FanOut.Mode.MDC, channels.mode());
            assertTrue(channels.explanation().contains("does not support multicast"), channels.explanation());
        } else {
            assertEquals(FanOut.Mode.MULTICAST, channels.mode());
        }
        assertTrue(FanOut.multicastRefusal("192.0.2.77").startsWith("no interface of this host"), "an address this host lacks is named");
    }

    @Test
    void everySubscriberOfAnMdcFanOutGetsEveryFrameInOrder() throws Exception {
        FanOut.Channels channels = FanOut.choose("mdc", "127.0.0.1", "239.255.0.1:40500", "127.0.0.1:" + freeUdpPort());
        AtomicLong first = new AtomicLong();
        AtomicLong second = new AtomicLong();
        // three drivers, as three hosts would have
        try (AeronTransport publisherHost = AeronTransport.launch("backoff");
             AeronTransport hostA = AeronTransport.launch("backoff");
             AeronTransport hostB = AeronTransport.launch("backoff");
             FanOut.Publisher publisher = new FanOut.Publisher(publisherHost, channels, 77);
             FanOut.Subscriber a = new FanOut.Subscriber(hostA, channels, 77, 1 << 16, frame -> first.compareAndSet(frame.getLong(0), frame.getLong(0) + 1));
             FanOut.Subscriber b = new FanOut.Subscriber(hostB, channels, 77, 1 << 16, frame -> second.compareAndSet(frame.getLong(0), frame.getLong(0) + 1))) {
            long deadline = System.currentTimeMillis() + 20_000;
            while (!(a.isConnected() && b.isConnected())) {
                assertTrue(System.currentTimeMillis() < deadline, "both subscribers joined the publisher's stream");
                Thread.sleep(5);
            }
            publishNumbered(publisher, FRAMES, deadline);
            while ((first.get() < FRAMES || second.get() < FRAMES) && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(List.of((long) FRAMES, (long) FRAMES), List.of(first.get(), second.get()), "each subscriber got 0.." + (FRAMES - 1) + " in order");
        }
    }

    /** Offers frames numbered 0..count-1 (each 64 bytes, the number first), retrying back-pressured offers. */
    static void publishNumbered(FanOut.Publisher publisher, int count, long deadlineMs) throws InterruptedException {
        for (long i = 0; i < count; i++) {
            ByteBuf frame = Unpooled.buffer(64).writeLong(i).writeZero(56);
            while (publisher.offer(frame) != FrameConnection.Offer.SENT) {
                assertTrue(System.currentTimeMillis() < deadlineMs, "frame " + i + " offered before the deadline");
                Thread.sleep(1);
            }
        }
    }

    static int freeUdpPort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
