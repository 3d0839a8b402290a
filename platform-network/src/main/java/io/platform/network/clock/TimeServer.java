package io.platform.network.clock;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.function.LongSupplier;

/**
 * Answers time exchange requests with its receive (t2) and send (t3) times, as a PTP master answers delay requests.
 * One thread; buffers are reused, so answering allocates nothing. Thread-safe to start and close.
 */
public final class TimeServer implements AutoCloseable {
    private final DatagramChannel channel;
    private final LongSupplier clockNs;
    private final Thread thread;

    /** @param clockNs this node's clock in epoch nanoseconds (tests pass a skewed one) */
    public TimeServer(String host, int port, LongSupplier clockNs) throws IOException {
        this.channel = DatagramChannel.open().bind(new InetSocketAddress(host, port));
        this.clockNs = clockNs;
        this.thread = new Thread(this::serve, "time-server");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    private void serve() {
        ByteBuffer in = ByteBuffer.allocate(64);
        ByteBuffer out = ByteBuffer.allocate(TimeExchangeLayout.REPLY_LENGTH);
        try {
            while (channel.isOpen()) {
                in.clear();
                SocketAddress from = channel.receive(in);
                long t2 = clockNs.getAsLong();
                in.flip();
                if (in.remaining() != TimeExchangeLayout.REQUEST_LENGTH || in.get() != TimeExchangeLayout.REQUEST) {
                    continue;
                }
                long sequence = in.getLong();
                long t1 = in.getLong();
                out.clear();
                out.put(TimeExchangeLayout.REPLY).putLong(sequence).putLong(t1).putLong(t2);
                out.putLong(clockNs.getAsLong());
                out.flip();
                channel.send(out, from);
            }
        } catch (ClosedChannelException e) {
            // closed
        } catch (IOException e) {
            // a server that cannot receive is over; clients time out and report it
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
