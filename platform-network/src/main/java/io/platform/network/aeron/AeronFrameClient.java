package io.platform.network.aeron;

import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.platform.network.FrameClient;
import io.platform.network.FrameConnection;
import io.platform.network.FrameHandler;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A client of an {@link AeronFrameServer}: publishes frames to the server's channel and receives replies on its own
 * response channel, announced by HELLO until the server's reply publication connects. Thread-safe.
 */
public final class AeronFrameClient implements FrameClient {
    private final Publication publication;
    private final Subscription responses;
    private final AeronConnection connection;
    private final Thread poller;
    private final ByteBuf frame;
    private FragmentHandler assembled;
    private volatile boolean running = true;

    /**
     * @param serverChannel e.g. {@code aeron:udp?endpoint=127.0.0.1:40123} or {@code aeron:ipc}
     * @param responseChannel where replies come: {@code aeron:udp?endpoint=127.0.0.1:0} (a free port) or {@code aeron:ipc}
     */
    public static AeronFrameClient connect(AeronTransport transport, String serverChannel, int streamId, String responseChannel,
                                           int maxFrameLength, FrameHandler handler, long timeoutMs) throws InterruptedException {
        return new AeronFrameClient(transport, serverChannel, streamId, responseChannel, maxFrameLength, handler, timeoutMs, true);
    }

    /**
     * A client without a poller thread: replies reach the handler only inside {@link #poll()}, on the caller's thread.
     * For latency-critical callers that run their own duty cycle.
     */
    public static AeronFrameClient connectPolled(AeronTransport transport, String serverChannel, int streamId, String responseChannel,
                                                 int maxFrameLength, FrameHandler handler, long timeoutMs) throws InterruptedException {
        return new AeronFrameClient(transport, serverChannel, streamId, responseChannel, maxFrameLength, handler, timeoutMs, false);
    }

    private AeronFrameClient(AeronTransport transport, String serverChannel, int streamId, String responseChannel,
                             int maxFrameLength, FrameHandler handler, long timeoutMs, boolean pollerThread) throws InterruptedException {
        this.publication = transport.aeron().addPublication(serverChannel, streamId);
        int responseStream = 1 + ThreadLocalRandom.current().nextInt(1 << 30);
        this.responses = transport.aeron().addSubscription(responseChannel, responseStream);
        this.connection = new AeronConnection(publication, serverChannel + " stream " + streamId);
        this.frame = Unpooled.buffer(maxFrameLength, maxFrameLength);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        UnsafeBuffer hello = AeronFrameLayout.hello(responseStream, resolvedChannel(responseChannel, deadline));
        // the server answers on our response channel once it saw a HELLO: repeat until that stream connects
        while (!responses.isConnected()) {
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("no Aeron server answered on " + serverChannel + " stream " + streamId
                        + " within " + timeoutMs + " ms");
            }
            if (publication.isConnected()) {
                publication.offer(hello, 0, hello.capacity(), AeronFrameLayout.MARK_HELLO);
            }
            Thread.sleep(5);
        }
        this.assembled = new FragmentAssembler((DirectBuffer buffer, int offset, int length, Header header) -> {
            if (AeronConnection.copyInto(frame, buffer, offset, length)) {
                handler.onFrame(connection, frame);
            }
        });
        if (pollerThread) {
            this.poller = new Thread(() -> {
                IdleStrategy idle = transport.newIdleStrategy();
                while (running) {
                    idle.idle(connection.reading() ? responses.poll(assembled, 64) : 0);
                }
            }, "aeron-frame-client");
            poller.setDaemon(true);
            poller.start();
        } else {
            this.poller = null;
        }
    }

    @Override
    public int poll() {
        return connection.reading() ? responses.poll(assembled, 64) : 0;
    }

    /** A UDP channel with port 0 gets a real port when the subscription binds; the server must be told that one. */
    private String resolvedChannel(String channel, long deadline) throws InterruptedException {
        if (!channel.startsWith("aeron:udp")) {
            return channel;
        }
        while (System.nanoTime() < deadline) {
            var addresses = responses.localSocketAddresses();
            if (!addresses.isEmpty()) {
                return "aeron:udp?endpoint=" + addresses.get(0);
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("Aeron response channel " + channel + " did not bind");
    }

    @Override
    public FrameConnection connection() {
        return connection;
    }

    @Override
    public void close() {
        running = false;
        if (poller != null) {
            try {
                poller.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        responses.close();
        publication.close();
    }
}
