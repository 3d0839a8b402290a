package io.platform.network.aeron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.platform.network.FrameConnection;
import io.platform.network.FrameHandler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AeronFrameTransportTest {
    private static final FrameHandler ECHO = (connection, frame) -> {
        ByteBuf copy = connection.alloc().buffer(frame.readableBytes());
        copy.writeBytes(frame, frame.readerIndex(), frame.readableBytes());
        connection.send(copy);
    };

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "ipc, aeron:ipc, aeron:ipc",
            "udp, aeron:udp?endpoint=127.0.0.1:0, aeron:udp?endpoint=127.0.0.1:0"})
    void shouldEchoEveryFrameSentFromSeveralThreads(String name, String serverChannel, String responseChannel) throws Exception {
        int threads = 2;
        int framesPerThread = 20_000;
        CountDownLatch echoed = new CountDownLatch(threads * framesPerThread);
        AtomicLong checksum = new AtomicLong();
        try (AeronTransport transport = AeronTransport.launch("backoff");
             AeronFrameServer server = new AeronFrameServer(transport, serverChannel.replace(":0", ":" + freeUdpPort()), 1001, 1 << 16, ECHO)) {
            String channel = server.channel();
            try (AeronFrameClient client = AeronFrameClient.connect(transport, channel, 1001, responseChannel, 1 << 16, (c, frame) -> {
                checksum.addAndGet(frame.getLong(frame.readerIndex()));
                echoed.countDown();
            }, 10_000)) {
                Thread[] senders = new Thread[threads];
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    senders[t] = new Thread(() -> {
                        FrameConnection connection = client.connection();
                        for (int i = 0; i < framesPerThread; i++) {
                            ByteBuf frame = connection.alloc().buffer(32);
                            frame.writeLong((long) id * framesPerThread + i);
                            frame.writeZero(24);
                            connection.send(frame);
                        }
                    });
                    senders[t].start();
                }
                for (Thread sender : senders) {
                    sender.join();
                }
                assertTrue(echoed.await(30, TimeUnit.SECONDS), name + ": frames still missing: " + echoed.getCount());
                long n = (long) threads * framesPerThread;
                assertEquals(n * (n - 1) / 2, checksum.get());
                // the server reports its session's frames to the sampled flow table (1 in 64: an estimate)
                io.platform.network.flow.FlowSampler.FlowRecord flow = io.platform.network.flow.FlowSampler.global().list().stream()
                        .filter(f -> f.transport().equals("aeron") && f.local().startsWith(channel))
                        .max(java.util.Comparator.comparingLong(io.platform.network.flow.FlowSampler.FlowRecord::lastSampledMs)).orElseThrow();
                assertEquals(n, flow.framesIn(), n * 0.15, name + ": " + flow);
                assertEquals(n, flow.framesOut(), n * 0.15, name + ": " + flow);
                assertEquals(32.0, (double) flow.bytesIn() / flow.framesIn(), 0.01, "every frame is 32 bytes");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "ipc, aeron:ipc, aeron:ipc",
            "udp, aeron:udp?endpoint=127.0.0.1:0, aeron:udp?endpoint=127.0.0.1:0"})
    void shouldDeliverFramesWhateverTheirFirstByteEvenTheHelloType(String name, String serverChannel, String responseChannel) throws Exception {
        CountDownLatch echoed = new CountDownLatch(256);
        boolean[] seen = new boolean[256];
        try (AeronTransport transport = AeronTransport.launch("backoff");
             AeronFrameServer server = new AeronFrameServer(transport, serverChannel.replace(":0", ":" + freeUdpPort()), 1002, 1 << 16, ECHO);
             AeronFrameClient client = AeronFrameClient.connect(transport, server.channel(), 1002, responseChannel, 1 << 16, (c, frame) -> {
                 seen[frame.getByte(frame.readerIndex()) & 0xff] = true;
                 echoed.countDown();
             }, 10_000)) {
            for (int first = 0; first < 256; first++) {
                ByteBuf frame = client.connection().alloc().buffer(16);
                frame.writeByte(first).writeZero(15);
                client.connection().send(frame);
            }
            assertTrue(echoed.await(30, TimeUnit.SECONDS), name + ": frames not echoed: " + echoed.getCount());
            assertTrue(seen[0x7f], "a frame starting with the HELLO type byte is an application frame like any other");
        }
    }

    private static int freeUdpPort() throws Exception {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
