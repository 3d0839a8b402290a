package io.platform.network.path;

import io.platform.wire.EpochClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The peer side of a {@link MultipathLink}: answers heartbeats and acknowledges data on whichever path they arrive,
 * and counts distinct and duplicate messages (a retransmission after failover may deliver a message twice; the
 * sequence number tells). One thread per listening address. Run as a process with
 * {@code java ... io.platform.network.path.PathResponder host:port [host:port ...]}: it prints
 * {@code received=<distinct> duplicates=<n>} when its standard input closes, so a test in another network namespace
 * can drive it.
 */
public final class PathResponder implements AutoCloseable {
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final BitSet seen = new BitSet();
    private final AtomicLong duplicates = new AtomicLong();
    private final long[] replyHoldNs;
    private volatile boolean running = true;

    public PathResponder(List<InetSocketAddress> addresses) throws IOException {
        this.replyHoldNs = new long[addresses.size()];
        for (InetSocketAddress address : addresses) {
            DatagramChannel channel = DatagramChannel.open().bind(address);
            int index = channels.size();
            channels.add(channel);
            Thread thread = new Thread(() -> serve(channel, index), "path-responder-" + address);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    /** The bound port of listening address {@code index}. */
    public int port(int index) throws IOException {
        return ((InetSocketAddress) channels.get(index).getLocalAddress()).getPort();
    }

    /**
     * Holds heartbeat answers on listening address {@code index} this long after stamping their send time: the reverse
     * one-way delay grows by it, as a slower return route would make it. For tests of asymmetry detection on hosts
     * without a traffic shaper (netem).
     */
    public void holdReplies(int index, long nanos) {
        replyHoldNs[index] = nanos;
    }

    /** Stops answering on listening address {@code index}, as a path whose far end died. */
    public void silence(int index) throws IOException {
        channels.get(index).close();
    }

    private void serve(DatagramChannel channel, int index) {
        ByteBuffer in = ByteBuffer.allocate(PathLayout.MAX_DATAGRAM + 64);
        ByteBuffer out = ByteBuffer.allocate(PathLayout.HEARTBEAT_ACK_LENGTH);
        while (running) {
            try {
                in.clear();
                SocketAddress from = channel.receive(in);
                long receivedNs = EpochClock.nowNs();
                in.flip();
                if (in.remaining() < 13) {
                    continue;
                }
                byte type = in.get();
                int path = in.getInt();
                long seq = in.getLong();
                out.clear();
                if (type == PathLayout.HEARTBEAT && in.remaining() >= 8) {
                    long sentNs = in.getLong();
                    long sendingNs = EpochClock.nowNs();
                    long hold = replyHoldNs[index];
                    if (hold > 0) {
                        LockSupport.parkNanos(hold);
                    }
                    out.put(PathLayout.HEARTBEAT_ACK).putInt(path).putLong(seq).putLong(sentNs).putLong(receivedNs)
                            .putLong(sendingNs).flip();
                    channel.send(out, from);
                } else if (type == PathLayout.DATA) {
                    synchronized (seen) {
                        if (seen.get((int) seq)) {
                            duplicates.incrementAndGet();
                        } else {
                            seen.set((int) seq);
                        }
                    }
                    out.put(PathLayout.DATA_ACK).putInt(path).putLong(seq).flip();
                    channel.send(out, from);
                }
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    /** Distinct messages received. */
    public int received() {
        synchronized (seen) {
            return seen.cardinality();
        }
    }

    public long duplicates() {
        return duplicates.get();
    }

    @Override
    public void close() throws IOException {
        running = false;
        for (DatagramChannel channel : channels) {
            channel.close();
        }
    }
}
