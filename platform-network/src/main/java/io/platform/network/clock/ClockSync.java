package io.platform.network.clock;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Estimates this node's clock offset to a {@link TimeServer} by two-way exchanges, as PTP does with sync and
 * delay-request messages: with t1 (client send), t2 (server receive), t3 (server send), t4 (client receive),
 * offset = ((t2 - t1) + (t3 - t4)) / 2 and path delay = (t4 - t1) - (t3 - t2), assuming a symmetric path. Of each
 * round of exchanges it keeps the one with the smallest delay (the least queued, so the most symmetric: NTP's clock
 * filter), and fits drift as the slope of offset over time across rounds. In software on a loopback or LAN this is
 * good to tens of microseconds; hardware timestamping (a PTP hardware clock with linuxptp) is what gets below one.
 * Not thread-safe: one instance per peer, driven by one thread.
 */
public final class ClockSync implements AutoCloseable {
    /** One round's best estimate. */
    public record Estimate(long atLocalNs, long offsetNs, long delayNs) {
    }

    private final DatagramSocket socket;
    private final LongSupplier clockNs;
    private final List<Estimate> rounds = new ArrayList<>();
    private final byte[] outBytes = new byte[TimeExchangeLayout.REQUEST_LENGTH];
    private final byte[] inBytes = new byte[64];
    private final ByteBuffer out = ByteBuffer.wrap(outBytes);
    private final ByteBuffer in = ByteBuffer.wrap(inBytes);
    private final DatagramPacket request;
    private final DatagramPacket reply = new DatagramPacket(inBytes, inBytes.length);
    private final String server;
    private long sequence;

    public ClockSync(String serverHost, int serverPort, LongSupplier clockNs) throws IOException {
        InetSocketAddress address = new InetSocketAddress(serverHost, serverPort);
        this.socket = new DatagramSocket();
        socket.connect(address);
        // a lost datagram must not stall the exchange: wait this long for each reply
        socket.setSoTimeout(500);
        this.request = new DatagramPacket(outBytes, outBytes.length, address);
        this.clockNs = clockNs;
        this.server = serverHost + ":" + serverPort;
    }

    /**
     * Runs {@code exchanges} two-way exchanges and records the best as one round.
     *
     * @throws SocketTimeoutException when no reply at all came back
     */
    public Estimate round(int exchanges) throws IOException {
        Estimate best = null;
        for (int i = 0; i < exchanges; i++) {
            Estimate e = exchange();
            if (e != null && (best == null || e.delayNs() < best.delayNs())) {
                best = e;
            }
        }
        if (best == null) {
            throw new SocketTimeoutException("no reply from the time server " + server + " in " + exchanges
                    + " exchanges: is `platform` running a time server there, and is UDP open?");
        }
        rounds.add(best);
        return best;
    }

    private Estimate exchange() throws IOException {
        long seq = ++sequence;
        long t1 = clockNs.getAsLong();
        out.clear();
        out.put(TimeExchangeLayout.REQUEST).putLong(seq).putLong(t1);
        try {
            socket.send(request);
            while (true) {
                reply.setLength(inBytes.length);
                socket.receive(reply);
                long t4 = clockNs.getAsLong();
                in.clear();
                // replies to older, timed-out requests are skipped by sequence
                if (reply.getLength() != TimeExchangeLayout.REPLY_LENGTH || in.get() != TimeExchangeLayout.REPLY || in.getLong() != seq) {
                    continue;
                }
                long echoedT1 = in.getLong();
                long t2 = in.getLong();
                long t3 = in.getLong();
                if (echoedT1 != t1) {
                    continue;
                }
                long offset = ((t2 - t1) + (t3 - t4)) / 2;
                long delay = (t4 - t1) - (t3 - t2);
                return new Estimate(t4, offset, delay);
            }
        } catch (SocketTimeoutException | PortUnreachableException e) {
            return null;
        }
    }

    /** The latest round's offset: add it to the local clock to get the server's time. */
    public long offsetNs() {
        return rounds.isEmpty() ? 0 : rounds.get(rounds.size() - 1).offsetNs();
    }

    /** Drift of the server's clock against ours in parts per million, fitted over all rounds (0 before two rounds). */
    public double driftPpm() {
        int n = rounds.size();
        if (n < 2) {
            return 0;
        }
        double t0 = rounds.get(0).atLocalNs();
        double sumX = 0;
        double sumY = 0;
        for (Estimate e : rounds) {
            sumX += e.atLocalNs() - t0;
            sumY += e.offsetNs();
        }
        double meanX = sumX / n;
        double meanY = sumY / n;
        double covariance = 0;
        double variance = 0;
        for (Estimate e : rounds) {
            double x = e.atLocalNs() - t0 - meanX;
            covariance += x * (e.offsetNs() - meanY);
            variance += x * x;
        }
        return variance == 0 ? 0 : covariance / variance * 1e6;
    }

    public List<Estimate> rounds() {
        return List.copyOf(rounds);
    }

    @Override
    public void close() {
        socket.close();
    }
}
