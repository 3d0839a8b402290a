package io.platform.network;

import io.netty.buffer.ByteBuf;

/**
 * Receives whole frames (the length prefix already stripped) on the transport's I/O thread: it must not block.
 * The frame buffer is released by the transport after the call returns; copy what must outlive it.
 */
public interface FrameHandler {
    void onFrame(FrameConnection connection, ByteBuf frame);

    /** The connection closed; frames sent to it from now on are dropped. */
    default void onClose(FrameConnection connection) {
    }
}
