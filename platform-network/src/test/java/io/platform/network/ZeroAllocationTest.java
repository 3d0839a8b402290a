package io.platform.network;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.platform.network.aeron.AeronFrameClient;
import io.platform.network.aeron.AeronFrameServer;
import io.platform.network.aeron.AeronTransport;
import io.platform.network.tcp.FramedTcpClient;
import io.platform.network.tcp.FramedTcpServer;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * In steady state the frame API allocates nothing per message, over Aeron and over Netty TCP, on the sending thread and
 * on the threads that receive (Aeron's pollers, Netty's event loops), when the caller reuses its buffer (retain before
 * send). Measured with the JVM's per-thread allocation counters, the quantity JMH's {@code -prof gc} reports as
 * gc.alloc.rate.norm. TCP is measured as a node runs it: without Netty's leak detector, which a node turns off (its
 * sampled stack traces were ~35 bytes per frame on each event loop).
 */
class ZeroAllocationTest {
    private static final int WARMUP = 50_000;
    private static final int MEASURED = 100_000;

    private static long allocatedBytes(Thread thread) {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getThreadAllocatedBytes(thread.getId());
    }

    @Test
    void pingPongOverAeronAllocatesNothingPerMessage() throws Exception {
        AtomicReference<Thread> serverThread = new AtomicReference<>();
        // the server answers with the frame it was handed (retained: send releases it), as a zero-copy echo would
        FrameHandler echo = (connection, frame) -> {
            serverThread.compareAndSet(null, Thread.currentThread());
            connection.send(frame.retain());
        };
        AtomicLong received = new AtomicLong();
        FrameHandler replies = (connection, frame) -> received.incrementAndGet();
        try (AeronTransport aeron = AeronTransport.launch("backoff");
             AeronFrameServer server = new AeronFrameServer(aeron, "aeron:ipc", 3001, 4096, echo);
             AeronFrameClient client = AeronFrameClient.connectPolled(aeron, "aeron:ipc", 3001, "aeron:ipc", 4096, replies, 10_000)) {
            FrameConnection connection = client.connection();
            ByteBuf message = Unpooled.buffer(64, 64).writeZero(64);
            pingPong(client::poll, connection, message, received, WARMUP);

            long clientBefore = allocatedBytes(Thread.currentThread());
            long serverBefore = allocatedBytes(serverThread.get());
            pingPong(client::poll, connection, message, received, MEASURED);
            double clientPerMessage = (allocatedBytes(Thread.currentThread()) - clientBefore) / (double) MEASURED;
            double serverPerMessage = (allocatedBytes(serverThread.get()) - serverBefore) / (double) MEASURED;
            System.out.printf("frame API over Aeron IPC: %.3f bytes/message allocated on the client thread, %.3f on the server poller%n",
                    clientPerMessage, serverPerMessage);
            // under a byte per message: a few objects over 100,000 round trips (e.g. a JIT deoptimisation) is noise,
            // one object per message would be 16 or more
            assertTrue(clientPerMessage < 1, "client allocates " + clientPerMessage + " bytes per message");
            assertTrue(serverPerMessage < 1, "server allocates " + serverPerMessage + " bytes per message");
        }
    }

    /** {@code count} round trips of the reused {@code message}; {@code poll} reads replies on this thread (0: none came). */
    private static void pingPong(java.util.function.IntSupplier poll, FrameConnection connection, ByteBuf message, AtomicLong received, int count) {
        long target = received.get();
        for (int i = 0; i < count; i++) {
            message.setLong(0, i);
            connection.send(message.retain());
            target++;
            while (received.get() < target) {
                if (poll.getAsInt() == 0) {
                    Thread.onSpinWait();
                }
            }
        }
    }

    @Test
    void pingPongOverTcpAllocatesNothingPerMessage() throws Exception {
        io.netty.util.ResourceLeakDetector.Level level = io.netty.util.ResourceLeakDetector.getLevel();
        io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        try {
            measureTcp();
        } finally {
            io.netty.util.ResourceLeakDetector.setLevel(level);
        }
    }

    private void measureTcp() throws Exception {
        AtomicReference<Thread> serverLoop = new AtomicReference<>();
        AtomicReference<Thread> clientLoop = new AtomicReference<>();
        FrameHandler echo = (connection, frame) -> {
            serverLoop.compareAndSet(null, Thread.currentThread());
            connection.send(frame.retain());
        };
        AtomicLong received = new AtomicLong();
        FrameHandler replies = (connection, frame) -> {
            clientLoop.compareAndSet(null, Thread.currentThread());
            received.incrementAndGet();
        };
        try (FramedTcpServer server = FramedTcpServer.bind("127.0.0.1", 0, 1, 4096, echo);
             FramedTcpClient client = FramedTcpClient.connect("127.0.0.1", server.port(), 4096, replies)) {
            FrameConnection connection = client.connection();
            ByteBuf message = connection.alloc().buffer(64, 64).writeZero(64);
            pingPong(() -> 0, connection, message, received, WARMUP);
            long callerBefore = allocatedBytes(Thread.currentThread());
            long serverBefore = allocatedBytes(serverLoop.get());
            long clientLoopBefore = allocatedBytes(clientLoop.get());
            pingPong(() -> 0, connection, message, received, MEASURED);
            double caller = (allocatedBytes(Thread.currentThread()) - callerBefore) / (double) MEASURED;
            double serverSide = (allocatedBytes(serverLoop.get()) - serverBefore) / (double) MEASURED;
            double clientSide = (allocatedBytes(clientLoop.get()) - clientLoopBefore) / (double) MEASURED;
            System.out.printf("frame API over Netty TCP: %.3f bytes/message on the sending thread, %.3f on the client's event loop, %.3f on the server's%n",
                    caller, clientSide, serverSide);
            assertTrue(caller < 1, "the sending thread allocates " + caller + " bytes per message");
            assertTrue(clientSide < 1, "the client's event loop allocates " + clientSide + " bytes per message");
            assertTrue(serverSide < 1, "the server's event loop allocates " + serverSide + " bytes per message");
        }
    }
}
