package io.platform.network.aeron;

import io.aeron.logbuffer.Header;
import io.platform.network.flow.FlowSampler;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.platform.network.FrameHandler;
import java.nio.ByteOrder;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * Serves a framed protocol over an Aeron subscription ({@code aeron:udp?endpoint=host:port} or {@code aeron:ipc}).
 * Each publishing session is a connection: its HELLO names where replies go. One polling thread with the transport's
 * idle strategy; frames are copied into one reused buffer, so steady-state polling allocates nothing.
 */
public final class AeronFrameServer implements AutoCloseable {
    private final AeronTransport transport;
    private final Subscription subscription;
    private final FrameHandler handler;
    // Images come and go on the Aeron conductor thread while the poller reads on every duty cycle: copy-on-write over
    // an int-keyed map, so the poller's lookups neither lock nor box the session id (no allocation per poll).
    private volatile Int2ObjectHashMap<AeronConnection> connections = new Int2ObjectHashMap<>();
    // Aeron forbids closing a publication inside its own image callback: reply publications are closed by the poller
    private final Queue<AeronConnection> closing = new ConcurrentLinkedQueue<>();
    private final ByteBuf frame;
    private final Thread poller;
    private final String channel;
    private volatile boolean running = true;
    private int currentSession;
    // the image being polled and its connection (null until its HELLO), read by onMessage on the same poller thread
    private Image currentImage;
    private AeronConnection currentConnection;

    public AeronFrameServer(AeronTransport transport, String channel, int streamId, int maxFrameLength, FrameHandler handler) {
        this.transport = transport;
        this.handler = handler;
        this.channel = channel;
        this.frame = Unpooled.buffer(maxFrameLength, maxFrameLength);
        this.subscription = transport.aeron().addSubscription(channel, streamId, null, this::onImageGone);
        FragmentHandler assembled = new FragmentAssembler(this::onMessage);
        this.poller = new Thread(() -> poll(assembled), "aeron-frame-server");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll(FragmentHandler assembled) {
        IdleStrategy idle = transport.newIdleStrategy();
        while (running) {
            int work = closeGoneConnections();
            for (int i = 0, n = subscription.imageCount(); i < n; i++) {
                Image image;
                try {
                    image = subscription.imageAtIndex(i);
                } catch (IndexOutOfBoundsException e) {
                    break;
                }
                AeronConnection connection = connections.get(image.sessionId());
                // a paused session is not polled: Aeron's flow control then back-pressures its publisher
                if (connection != null && !connection.reading()) {
                    continue;
                }
                currentSession = image.sessionId();
                currentImage = image;
                currentConnection = connection;
                work += image.poll(assembled, 64);
            }
            idle.idle(work);
        }
    }

    private void onMessage(DirectBuffer buffer, int offset, int length, Header header) {
        AeronConnection connection = currentConnection;
        if (header.reservedValue() == AeronFrameLayout.HELLO_MARK) {
            if (connection == null && length > AeronFrameLayout.CHANNEL_OFFSET) {
                int responseStream = buffer.getInt(offset + AeronFrameLayout.STREAM_ID_OFFSET, ByteOrder.BIG_ENDIAN);
                String channel = buffer.getStringWithoutLengthUtf8(offset + AeronFrameLayout.CHANNEL_OFFSET,
                        length - AeronFrameLayout.CHANNEL_OFFSET);
                Publication reply = transport.aeron().addPublication(channel, responseStream);
                FlowSampler.Flow flow = FlowSampler.global()
                        .open("aeron", this.channel + " stream " + subscription.streamId(), currentImage.sourceIdentity());
                AeronConnection opened = new AeronConnection(reply, channel + " stream " + responseStream, flow);
                updateConnections(map -> map.put(currentSession, opened));
                // frames after the HELLO in the same poll belong to the new connection
                currentConnection = opened;
            }
            return;
        }
        if (connection == null || !AeronConnection.copyInto(frame, buffer, offset, length)) {
            return;
        }
        if (connection.flow() != null) {
            connection.flow().frameIn(length);
        }
        handler.onFrame(connection, frame);
    }

    private void onImageGone(Image image) {
        AeronConnection gone = connections.get(image.sessionId());
        updateConnections(map -> map.remove(image.sessionId()));
        if (gone != null) {
            handler.onClose(gone);
            closing.add(gone);
        }
    }

    private synchronized void updateConnections(Consumer<Int2ObjectHashMap<AeronConnection>> change) {
        Int2ObjectHashMap<AeronConnection> copy = new Int2ObjectHashMap<>(connections);
        change.accept(copy);
        connections = copy;
    }

    private int closeGoneConnections() {
        int closed = 0;
        for (AeronConnection gone; (gone = closing.poll()) != null; closed++) {
            gone.close();
        }
        return closed;
    }

    /** The channel clients publish to. */
    public String channel() {
        return channel;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        poller.join(5000);
        closeGoneConnections();
        connections.values().forEach(AeronConnection::close);
        subscription.close();
    }

}
