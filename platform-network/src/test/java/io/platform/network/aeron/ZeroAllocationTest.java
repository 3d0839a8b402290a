package io.platform.network.aeron;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.platform.network.FrameConnection;
import io.platform.network.FrameHandler;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * In steady state the frame API over Aeron allocates nothing per message, on the sending and polling client thread
 * and on the server's poller thread, when the caller reuses its buffer (retain before send). Measured with the JVM's
 * per-thread allocation counter, the same quantity JMH's {@code -prof gc} reports as gc.alloc.rate.norm.
 */
class ZeroAllocationTest {
    private static final int WARMUP = 50_000;
    private static final int MEASURED = 100_000;

    private static long allocatedBytes(Thread thread) {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getThreadAllocatedBytes(thread.getId());
    }

    @Test
    void pingPongOverTheFrameApiAllocatesNothingPerMessage() throws Exception {
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
            pingPong(client, connection, message, received, WARMUP);

            long clientBefore = allocatedBytes(Thread.currentThread());
            long serverBefore = allocatedBytes(serverThread.get());
            pingPong(client, connection, message, received, MEASURED);
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

    private static void pingPong(AeronFrameClient client, FrameConnection connection, ByteBuf message, AtomicLong received, int count) {
        long target = received.get();
        for (int i = 0; i < count; i++) {
            message.setLong(0, i);
            connection.send(message.retain());
            target++;
            while (received.get() < target) {
                if (client.poll() == 0) {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
