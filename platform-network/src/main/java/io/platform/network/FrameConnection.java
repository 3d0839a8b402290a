package io.platform.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** One peer of a framed transport. {@link #send} may be called from any thread. */
public interface FrameConnection {
    /** Allocator for frames to send; pooled, so sending does not allocate per frame in steady state. */
    ByteBufAllocator alloc();

    /** Queues one frame (without its length prefix, which the transport adds) and flushes. Takes ownership of the buffer. */
    void send(ByteBuf frame);

    /** False while the peer does not drain its socket fast enough; callers should stop reading from their own source. */
    boolean isWritable();

    String remoteAddress();

    /**
     * Stops (false) or resumes (true) reading from the peer. While paused, the peer's sends fill the socket buffers
     * and then block: TCP's own flow control carries the back-pressure to the client.
     */
    void setReading(boolean reading);
}
