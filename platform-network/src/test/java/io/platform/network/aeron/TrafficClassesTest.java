package io.platform.network.aeron;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.platform.network.FrameClient;
import io.platform.network.FrameHandler;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A flood on the data channel does not delay control messages when they have their own channel: the control message
 * is handled while most of the data backlog is still waiting. On one shared channel it waits behind all of it
 * (Aeron keeps order within a stream). Asserted on the order of handling, not on timings.
 */
class TrafficClassesTest {
    private static final int FLOOD = 2000;

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A slow data handler (0.5 ms a frame), so the flood builds a backlog. */
    private static FrameHandler slowData(AtomicLong handled) {
        return (connection, frame) -> {
            if (frame.getByte(frame.readerIndex()) == 'C') {
                return;
            }
            handled.incrementAndGet();
            long until = System.nanoTime() + 500_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        };
    }

    private static void send(FrameClient client, byte kind) {
        ByteBuf frame = client.connection().alloc().buffer(64);
        frame.writeByte(kind).writeZero(63);
        client.connection().send(frame);
    }

    @Test
    void controlOnItsOwnChannelOvertakesADataFlood() throws Exception {
        AtomicLong dataHandled = new AtomicLong();
        CompletableFuture<Long> dataHandledWhenControlArrived = new CompletableFuture<>();
        FrameHandler control = (connection, frame) -> dataHandledWhenControlArrived.complete(dataHandled.get());
        String dataChannel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        String controlChannel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        try (AeronTransport transport = AeronTransport.launch("yielding");
             TrafficClasses classes = new TrafficClasses(transport,
                     Map.of(TrafficClasses.TrafficClass.DATA, dataChannel, TrafficClasses.TrafficClass.CONTROL, controlChannel), 7, 1 << 16,
                     Map.of(TrafficClasses.TrafficClass.DATA, slowData(dataHandled), TrafficClasses.TrafficClass.CONTROL, control));
             FrameClient data = AeronFrameClient.connect(transport, dataChannel, 7, "aeron:udp?endpoint=127.0.0.1:0", 1 << 16, (c, f) -> { }, 10_000);
             FrameClient ctl = AeronFrameClient.connect(transport, controlChannel, 7, "aeron:udp?endpoint=127.0.0.1:0", 1 << 16, (c, f) -> { }, 10_000)) {
            for (int i = 0; i < FLOOD; i++) {
                send(data, (byte) 'D');
            }
            send(ctl, (byte) 'C');
            long handledBefore = dataHandledWhenControlArrived.get(30, TimeUnit.SECONDS);
            assertTrue(handledBefore < FLOOD / 2, "control handled after only " + handledBefore + " of " + FLOOD + " data frames");
        }
    }

    @Test
    void onOneSharedChannelControlWaitsBehindTheWholeFlood() throws Exception {
        AtomicLong dataHandled = new AtomicLong();
        CompletableFuture<Long> dataHandledWhenControlArrived = new CompletableFuture<>();
        FrameHandler slow = slowData(dataHandled);
        FrameHandler shared = (connection, frame) -> {
            if (frame.getByte(frame.readerIndex()) == 'C') {
                dataHandledWhenControlArrived.complete(dataHandled.get());
            } else {
                slow.onFrame(connection, frame);
            }
        };
        String channel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        try (AeronTransport transport = AeronTransport.launch("yielding");
             AeronFrameServer server = new AeronFrameServer(transport, channel, 7, 1 << 16, shared);
             FrameClient client = AeronFrameClient.connect(transport, channel, 7, "aeron:udp?endpoint=127.0.0.1:0", 1 << 16, (c, f) -> { }, 10_000)) {
            for (int i = 0; i < FLOOD; i++) {
                send(client, (byte) 'D');
            }
            send(client, (byte) 'C');
            assertTrue(dataHandledWhenControlArrived.get(60, TimeUnit.SECONDS) == FLOOD, "in one stream, order is kept: control came last");
        }
    }
}
