package io.platform.network;

/** The client end of a framed transport (TCP or Aeron): one connection to a server. Thread-safe. */
public interface FrameClient extends AutoCloseable {
    FrameConnection connection();

    @Override
    void close();
}
