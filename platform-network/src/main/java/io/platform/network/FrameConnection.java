package io.platform.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** One peer of a framed transport. {@link #send} may be called from any thread. */
public interface FrameConnection {
    /** Allocator for frames to send; pooled, so sending does not allocate per frame in steady state. */
    ByteBufAllocator alloc();

    /** Queues one frame (without its length prefix, which the transport adds) and flushes. Takes ownership of the buffer. */
    void send(ByteBuf frame);

    /** What {@link #offer} did with a frame. */
    enum Offer {
        /** Taken: the frame is on its way and the buffer belongs to the transport. */
        SENT,
        /** The peer is not keeping up (Aeron back-pressure, a full TCP send buffer): the caller keeps the buffer, may retry. */
        BACK_PRESSURED,
        /** No peer (not yet connected, or gone): the caller keeps the buffer. */
        NOT_CONNECTED
    }

    /**
     * Tries once to send a frame without waiting: back-pressure comes back as a return code instead of a retry loop
     * or an unbounded queue, for callers that would rather do something else (drop, coalesce, slow their source).
     * Takes ownership of the buffer only when the result is {@link Offer#SENT}.
     */
    default Offer offer(ByteBuf frame) {
        if (!isWritable()) {
            return Offer.BACK_PRESSURED;
        }
        send(frame);
        return Offer.SENT;
    }

    /** False while the peer does not drain its socket fast enough; callers should stop reading from their own source. */
    boolean isWritable();

    String remoteAddress();

    /**
     * Who the peer proved to be: the common name of the client certificate it presented under mutual TLS, or null on
     * a connection without one (plain TCP, Aeron). Read on the connection's I/O thread after the handshake.
     */
    default String principal() {
        return null;
    }

    /**
     * Stops (false) or resumes (true) reading from the peer. While paused, the peer's sends fill the socket buffers
     * and then block: TCP's own flow control carries the back-pressure to the client.
     */
    void setReading(boolean reading);
}
