package io.platform.network.aeron;

import io.platform.network.flow.FlowSampler;
import io.aeron.Publication;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.platform.network.FrameConnection;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One peer over Aeron: frames go out on a publication. {@link #send} retries a back-pressured offer for up to a
 * bounded time (the peer is slow) and drops the frame only when the peer is gone (NOT_CONNECTED or closed).
 * Thread-safe: Aeron's concurrent publication takes offers from any thread; the wrapping buffer is per thread.
 */
final class AeronConnection implements FrameConnection {
    /**
     * Heap frames, without Netty's leak detector: it tracks one buffer in 128 with a phantom reference and a stack trace.
     * Measured here for a 32-byte buffer allocated, written and released 2 million times: p99.9 160 ns with it against
     * 71 ns without once compiled, and a p99 of 2 µs before the JIT has compiled the tracking. A frame given to
     * {@link #send} is released there in a finally, so there is no leak for it to find.
     */
    private static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false, true);
    private static final long MAX_BACK_PRESSURE_NS = TimeUnit.SECONDS.toNanos(5);
    private static final ThreadLocal<UnsafeBuffer> WRAPPER = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[0]));

    private final Publication publication;
    private final String remote;
    private volatile boolean reading = true;
    private final FlowSampler.Flow flow;

    AeronConnection(Publication publication, String remote) {
        this(publication, remote, null);
    }

    /** @param flow the sampled flow its frames are reported to, or null */
    AeronConnection(Publication publication, String remote, FlowSampler.Flow flow) {
        this.publication = publication;
        this.remote = remote;
        this.flow = flow;
    }

    /** The sampled flow of this connection, or null. */
    FlowSampler.Flow flow() {
        return flow;
    }

    @Override
    public ByteBufAllocator alloc() {
        return HEAP;
    }

    @Override
    public void send(ByteBuf frame) {
        try {
            UnsafeBuffer buffer = wrap(frame);
            // the clock is read only once an offer was refused: a message that goes at once (nearly all) costs no nanoTime
            long deadline = 0;
            while (true) {
                long result = publication.offer(buffer, 0, buffer.capacity());
                if (result > 0 && flow != null) {
                    flow.frameOut(buffer.capacity());
                }
                if (result > 0 || result == Publication.NOT_CONNECTED || result == Publication.CLOSED
                        || result == Publication.MAX_POSITION_EXCEEDED) {
                    return;
                }
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + MAX_BACK_PRESSURE_NS;
                } else if (now > deadline) {
                    return;
                }
                Thread.onSpinWait();
            }
        } finally {
            frame.release();
        }
    }

    /** One {@code Publication.offer}: its result code becomes the answer, nothing is retried. */
    @Override
    public Offer offer(ByteBuf frame) {
        int length = frame.readableBytes();
        Offer offer = offerOnce(publication, frame);
        if (offer == Offer.SENT && flow != null) {
            flow.frameOut(length);
        }
        return offer;
    }

    /** One offer of {@code frame}'s readable bytes; the frame is released when SENT and kept otherwise. */
    static Offer offerOnce(Publication publication, ByteBuf frame) {
        UnsafeBuffer buffer = wrap(frame);
        long result = publication.offer(buffer, 0, buffer.capacity());
        if (result > 0) {
            frame.release();
            return Offer.SENT;
        }
        return result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION ? Offer.BACK_PRESSURED : Offer.NOT_CONNECTED;
    }

    /**
     * Copies a received message into the receiver's reused heap {@code frame}, ready to hand on; false (nothing copied)
     * when it is longer than the frame's capacity, the configured maximum frame length.
     */
    static boolean copyInto(ByteBuf frame, DirectBuffer buffer, int offset, int length) {
        if (length > frame.capacity()) {
            return false;
        }
        frame.clear();
        buffer.getBytes(offset, frame.array(), 0, length);
        frame.writerIndex(length);
        return true;
    }

    /** This thread's wrapper over the frame's readable bytes: no copy for heap frames (the platform's allocator). */
    private static UnsafeBuffer wrap(ByteBuf frame) {
        UnsafeBuffer buffer = WRAPPER.get();
        if (frame.hasArray()) {
            buffer.wrap(frame.array(), frame.arrayOffset() + frame.readerIndex(), frame.readableBytes());
        } else {
            byte[] copy = new byte[frame.readableBytes()];
            frame.getBytes(frame.readerIndex(), copy);
            buffer.wrap(copy);
        }
        return buffer;
    }

    @Override
    public boolean isWritable() {
        return publication.isConnected() && publication.availableWindow() > 0;
    }

    @Override
    public String remoteAddress() {
        return remote;
    }

    @Override
    public void setReading(boolean reading) {
        this.reading = reading;
    }

    boolean reading() {
        return reading;
    }

    void close() {
        publication.close();
    }
}
