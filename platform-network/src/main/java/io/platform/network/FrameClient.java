package io.platform.network;

/** The client end of a framed transport (TCP or Aeron): one connection to a server. Thread-safe. */
public interface FrameClient extends AutoCloseable {
    FrameConnection connection();

    /**
     * Delivers replies that have arrived to the handler on the calling thread, for clients created to be polled
     * (an application's own duty cycle, as an Agrona {@code Agent} does), saving the hand-off from a poller thread.
     *
     * @return replies delivered; 0 for transports that deliver on their own threads
     */
    default int poll() {
        return 0;
    }

    @Override
    void close();
}
