package io.platform.network.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.platform.network.FrameConnection;
import io.platform.network.FrameHandler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FramedTcpTest {
    /** Echoes every frame back from the server's I/O thread. */
    private static final FrameHandler ECHO = (connection, frame) -> connection.send(frame.retainedDuplicate());

    @Test
    void shouldDeliverEveryFrameSentConcurrentlyFromOtherThreadsIncludingTheLastOfEachBurst() throws Exception {
        int threads = 3;
        int framesPerThread = 50_000;
        CountDownLatch allEchoed = new CountDownLatch(threads * framesPerThread);
        AtomicLong checksum = new AtomicLong();
        try (FramedTcpServer server = FramedTcpServer.bind("127.0.0.1", 0, 1, 1 << 16, ECHO);
             FramedTcpClient client = FramedTcpClient.connect("127.0.0.1", server.port(), 1 << 16, (connection, frame) -> {
                 checksum.addAndGet(frame.getLong(frame.readerIndex()));
                 allEchoed.countDown();
             })) {
            Thread[] senders = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                senders[t] = new Thread(() -> {
                    FrameConnection connection = client.connection();
                    for (int i = 0; i < framesPerThread; i++) {
                        ByteBuf frame = connection.alloc().buffer(8);
                        frame.writeLong((long) id * framesPerThread + i);
                        connection.send(frame);
                    }
                });
                senders[t].start();
            }
            for (Thread sender : senders) {
                sender.join();
            }
            assertTrue(allEchoed.await(30, TimeUnit.SECONDS), "frames still missing: " + allEchoed.getCount());
            long n = (long) threads * framesPerThread;
            assertEquals(n * (n - 1) / 2, checksum.get());
        }
    }

    @Test
    void dropsPeersThatAnnounceOversizedFramesAndKeepsServing() throws Exception {
        CountDownLatch echoed = new CountDownLatch(1);
        try (FramedTcpServer server = FramedTcpServer.bind("127.0.0.1", 0, 1, 64, ECHO)) {
            try (java.net.Socket raw = new java.net.Socket("127.0.0.1", server.port())) {
                raw.getOutputStream().write(new byte[] {0x7f, 0, 0, 0, 1, 2, 3});
                raw.getOutputStream().flush();
                assertEquals(-1, raw.getInputStream().read(), "server closes the connection");
            }
            try (FramedTcpClient client = FramedTcpClient.connect("127.0.0.1", server.port(), 64, (c, f) -> echoed.countDown())) {
                ByteBuf frame = client.connection().alloc().buffer(8).writeLong(1);
                client.connection().send(frame);
                assertTrue(echoed.await(10, TimeUnit.SECONDS));
            }
        }
    }
}
