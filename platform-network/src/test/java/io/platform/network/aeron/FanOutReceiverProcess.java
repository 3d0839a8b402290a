package io.platform.network.aeron;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A fan-out subscriber in a process of its own, for {@link FanOutNetnsTest} to start inside a network namespace.
 * Args: {@code mode localAddress group control streamId expectedFrames}. Prints "ready", then "received N" once N
 * frames in order arrived (or, after 30 s, however many did).
 */
public final class FanOutReceiverProcess {
    private FanOutReceiverProcess() {
    }

    public static void main(String[] args) throws Exception {
        FanOut.Channels channels = FanOut.choose(args[0], args[1], args[2], args[3]);
        long expected = Long.parseLong(args[5]);
        AtomicLong inOrder = new AtomicLong();
        try (AeronTransport transport = AeronTransport.launch("backoff");
             FanOut.Subscriber subscriber = new FanOut.Subscriber(transport, channels, Integer.parseInt(args[4]), 1 << 16,
                     frame -> inOrder.compareAndSet(frame.getLong(0), frame.getLong(0) + 1))) {
            System.out.println("ready " + channels.mode());
            System.out.flush();
            long deadline = System.currentTimeMillis() + 30_000;
            while (inOrder.get() < expected && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            System.out.println("received " + inOrder.get());
            System.out.flush();
        }
        System.exit(0);
    }
}
