package io.platform.network.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.platform.network.FrameConnection;
import io.platform.network.FrameHandler;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The frame API over Netty TCP, in steady state: bytes allocated per message on the client's sending thread and on
 * each side's event loop, by the JVM's per-thread allocation counters (what JMH's -prof gc reports). Measured as a node
 * runs it: without Netty's leak detector, which a node turns off (its sampled stack traces were ~35 bytes per frame).
 */
class TcpZeroAllocationTest {
    private static final int WARMUP = 50_000;
    private static final int MEASURED = 100_000;

    private static long allocatedBytes(Thread thread) {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getThreadAllocatedBytes(thread.getId());
    }

    @Test
    void pingPongOverTcpAllocatesNothingPerMessage() throws Exception {
        io.netty.util.ResourceLeakDetector.Level level = io.netty.util.ResourceLeakDetector.getLevel();
        io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        try {
            measure();
        } finally {
            io.netty.util.ResourceLeakDetector.setLevel(level);
        }
    }

    private void measure() throws Exception {
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
            pingPong(connection, message, received, WARMUP);
            long callerBefore = allocatedBytes(Thread.currentThread());
            long serverBefore = allocatedBytes(serverLoop.get());
            long clientLoopBefore = allocatedBytes(clientLoop.get());
            pingPong(connection, message, received, MEASURED);
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

    private static void pingPong(FrameConnection connection, ByteBuf message, AtomicLong received, int count) {
        long target = received.get();
        for (int i = 0; i < count; i++) {
            message.setLong(0, i);
            connection.send(message.retain());
            target++;
            while (received.get() < target) {
                Thread.onSpinWait();
            }
        }
    }
}
