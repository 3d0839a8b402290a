package io.platform.ingest.client;

import io.netty.buffer.ByteBuf;
import io.netty.handler.ssl.SslContext;
import io.platform.network.FrameClient;
import io.platform.network.FrameConnection;
import io.platform.network.FrameHandler;
import io.platform.network.tcp.FramedTcpClient;
import io.platform.wire.IngestFrameLayout;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends wire-format events to the gateway over one TCP connection and matches acks by correlation id.
 * {@link #send(String, byte[], long, long)} with an {@link AckListener} allocates nothing per ack beyond the frame;
 * {@link #send(String, byte[], long)} returns a future for convenience. Thread-safe.
 */
public final class GatewayClient implements AutoCloseable {
    /** Receives acks on the client's I/O thread; must not block. */
    public interface AckListener {
        void onAck(long correlationId, byte status, String reason);

        /** The outcome of a batch sent with {@link #sendBatch}. */
        default void onBatchAck(long correlationId, int accepted, int rejected, int failed, String firstReason) {
        }
    }

    /** The outcome of one sent event. */
    public record Ack(byte status, String reason) {
        public boolean accepted() {
            return status == IngestFrameLayout.STATUS_ACCEPTED;
        }
    }

    private final FrameClient tcp;
    private final Map<Long, CompletableFuture<Ack>> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextCorrelationId = new AtomicLong(1);
    private volatile AckListener listener;

    /** Opens a client transport given the handler for the gateway's replies. */
    @FunctionalInterface
    public interface Transport {
        FrameClient open(FrameHandler replies) throws InterruptedException;
    }

    private GatewayClient(Transport transport) throws InterruptedException {
        this.tcp = transport.open(new FrameHandler() {
            @Override
            public void onFrame(FrameConnection connection, ByteBuf frame) {
                onAckFrame(frame);
            }

            @Override
            public void onClose(FrameConnection connection) {
                IllegalStateException closed = new IllegalStateException("gateway connection closed");
                pending.values().forEach(f -> f.completeExceptionally(closed));
                pending.clear();
            }
        });
    }

    /** Connects over the binary TCP protocol. */
    public static GatewayClient connect(String host, int port) throws InterruptedException {
        return new GatewayClient(replies -> FramedTcpClient.connect(host, port, IngestFrameLayout.MAX_FRAME_LENGTH, replies));
    }

    /** Connects over the binary TCP protocol with mutual TLS (a client context from the node's authority). */
    public static GatewayClient connect(String host, int port, SslContext tls) throws InterruptedException {
        return new GatewayClient(replies -> FramedTcpClient.connect(host, port, IngestFrameLayout.MAX_FRAME_LENGTH, replies, tls));
    }

    /** Connects over any frame transport, e.g. Aeron: the same frames and acks as over TCP. */
    public static GatewayClient connect(Transport transport) throws InterruptedException {
        return new GatewayClient(transport);
    }

    /** Routes acks of {@link #send(String, byte[], long, long)} to this listener. */
    public void setAckListener(AckListener listener) {
        this.listener = listener;
    }

    /** Sends one event; the future completes with its ack. */
    public CompletableFuture<Ack> send(String stream, byte[] wireValue, long sendTimeNs) {
        long correlationId = nextCorrelationId.getAndIncrement() | Long.MIN_VALUE;
        CompletableFuture<Ack> ack = new CompletableFuture<>();
        pending.put(correlationId, ack);
        write(stream, wireValue, sendTimeNs, correlationId);
        return ack;
    }

    /** Sends one event whose ack goes to the {@link AckListener}; correlation ids must be non-negative. */
    public void send(String stream, byte[] wireValue, long sendTimeNs, long correlationId) {
        write(stream, wireValue, sendTimeNs, correlationId);
    }

    /**
     * Sends {@code count} events of one stream in one frame; the {@link AckListener} gets one batch ack for all.
     *
     * @param values wire-format values; the first {@code count} are sent
     */
    public void sendBatch(String stream, byte[][] values, int count, long sendTimeNs, long correlationId) {
        sendBatch(stream, values, count, sendTimeNs, correlationId, null);
    }

    /**
     * As above, in the trace of the client's span whose W3C {@code traceparent} is given (e.g. from
     * {@code Tracing.traceparent(span)}): the gateway's batch span and everything after it join that trace.
     * Null sends a plain batch.
     */
    public void sendBatch(String stream, byte[][] values, int count, long sendTimeNs, long correlationId, byte[] traceparent) {
        if (traceparent != null && traceparent.length != IngestFrameLayout.TRACEPARENT_LENGTH) {
            throw new IllegalArgumentException("a traceparent is " + IngestFrameLayout.TRACEPARENT_LENGTH
                    + " bytes (00-<trace id>-<span id>-<flags>), got "
                    + traceparent.length);
        }
        byte[] name = streamName(stream);
        int bodyLength = 4 + (traceparent == null ? 0 : traceparent.length);
        for (int i = 0; i < count; i++) {
            bodyLength += 4 + values[i].length;
        }
        ByteBuf frame = frameHeader(traceparent == null ? IngestFrameLayout.TYPE_EVENT_BATCH : IngestFrameLayout.TYPE_TRACED_EVENT_BATCH,
                correlationId, sendTimeNs, name, bodyLength);
        if (traceparent != null) {
            frame.writeBytes(traceparent);
        }
        frame.writeInt(count);
        for (int i = 0; i < count; i++) {
            frame.writeInt(values[i].length);
            frame.writeBytes(values[i]);
        }
        tcp.connection().send(frame);
    }

    /** False while the socket's send buffer is full: the gateway is pushing back. */
    public boolean isWritable() {
        return tcp.connection().isWritable();
    }

    private void write(String stream, byte[] wireValue, long sendTimeNs, long correlationId) {
        byte[] name = streamName(stream);
        ByteBuf frame = frameHeader(IngestFrameLayout.TYPE_EVENT, correlationId, sendTimeNs, name, wireValue.length);
        frame.writeBytes(wireValue);
        tcp.connection().send(frame);
    }

    private static byte[] streamName(String stream) {
        byte[] name = stream.getBytes(StandardCharsets.UTF_8);
        if (name.length > 255) {
            throw new IllegalArgumentException("stream name longer than 255 bytes: " + stream);
        }
        return name;
    }

    /** A frame buffer with the common header written, with room for {@code bodyLength} more bytes. */
    private ByteBuf frameHeader(byte type, long correlationId, long sendTimeNs, byte[] name, int bodyLength) {
        ByteBuf frame = tcp.connection().alloc().buffer(IngestFrameLayout.STREAM_OFFSET + name.length + bodyLength);
        frame.writeByte(type);
        frame.writeLong(correlationId);
        frame.writeLong(sendTimeNs);
        frame.writeByte(name.length);
        frame.writeBytes(name);
        return frame;
    }

    private void onAckFrame(ByteBuf frame) {
        int base = frame.readerIndex();
        if (frame.getByte(base + IngestFrameLayout.TYPE_OFFSET) == IngestFrameLayout.TYPE_BATCH_ACK) {
            int reasonLength = frame.getUnsignedShort(base + IngestFrameLayout.BATCH_ACK_REASON_LENGTH_OFFSET);
            AckListener current = listener;
            if (current != null) {
                current.onBatchAck(frame.getLong(base + IngestFrameLayout.CORRELATION_ID_OFFSET),
                        frame.getInt(base + IngestFrameLayout.BATCH_ACK_ACCEPTED_OFFSET),
                        frame.getInt(base + IngestFrameLayout.BATCH_ACK_REJECTED_OFFSET),
                        frame.getInt(base + IngestFrameLayout.BATCH_ACK_FAILED_OFFSET),
                        reasonLength == 0 ? null
                        : frame.toString(base + IngestFrameLayout.BATCH_ACK_REASON_OFFSET, reasonLength, StandardCharsets.UTF_8));
            }
            return;
        }
        long correlationId = frame.getLong(base + IngestFrameLayout.CORRELATION_ID_OFFSET);
        byte status = frame.getByte(base + IngestFrameLayout.ACK_STATUS_OFFSET);
        int reasonLength = frame.getUnsignedShort(base + IngestFrameLayout.ACK_REASON_LENGTH_OFFSET);
        String reason = reasonLength == 0 ? null
                : frame.toString(base + IngestFrameLayout.ACK_REASON_OFFSET, reasonLength, StandardCharsets.UTF_8);
        if (correlationId < 0) {
            CompletableFuture<Ack> future = pending.remove(correlationId);
            if (future != null) {
                future.complete(new Ack(status, reason));
            }
        } else {
            AckListener current = listener;
            if (current != null) {
                current.onAck(correlationId, status, reason);
            }
        }
    }

    @Override
    public void close() {
        tcp.close();
    }
}
