package io.platform.network.path;

import io.platform.wire.EpochClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Sends messages to one peer over the first live of several paths (each a local address and a remote address: two
 * NICs, two routes), and keeps them flowing when a path dies.
 * <ul>
 *   <li>Every path carries a heartbeat each {@code heartbeatInterval}; the answers feed a {@link PhiAccrualDetector}.
 *       When the active path's phi passes {@code phiThreshold} it is declared dead, the traffic moves to the next live
 *       path, and every message not yet acknowledged is sent again there. The peer acknowledges each message and tells
 *       duplicates by sequence number, so nothing acknowledged is lost and nothing is counted twice.</li>
 *   <li>A message unacknowledged for {@code retransmitAfter} is sent again on the active path (a lost datagram).</li>
 *   <li>Each heartbeat answer carries the peer's receive and send times, so with synchronized clocks (one host, or PTP)
 *       the forward and reverse one-way delays are known separately; a path whose minimum delays differ by more than
 *       {@code asymmetryThreshold} is reported asymmetric (different routes or queues each way), which also says the
 *       two-way clock offset estimate is biased by half that difference on it.</li>
 *   <li>A dead path that answers again becomes live, but traffic stays where it is until its path dies (no flapping).</li>
 * </ul>
 * Thread-safe {@link #send}; one background thread reads every path's socket, sends the heartbeats and judges the paths.
 * It reads whatever has arrived before it judges: with a receiver thread per path, a receiver that the scheduler had
 * not run yet (two busy cores) left answered heartbeats unread, and a healthy path was failed over for silence that was
 * only on this host.
 */
public final class MultipathLink implements AutoCloseable {
    /** The heartbeat loop waking this many intervals late counts as held up itself, not as silence on the paths. */
    private static final int LOCAL_STALL_INTERVALS = 3;
    /** One path's state as last seen; the delays are minima over the last {@code min(delaySamples, 32)} heartbeats. */
    public record PathReport(int path, String route, boolean alive, boolean active, double phi, long rttNs, long forwardNs,
                             long reverseNs, boolean asymmetric, int delaySamples) {
    }

    /** A local address to send from and the peer's address on that path. */
    public record Route(InetSocketAddress local, InetSocketAddress remote) {
        @Override
        public String toString() {
            return local.getAddress().getHostAddress() + " -> " + remote.getAddress().getHostAddress() + ":" + remote.getPort();
        }
    }

    private record Pending(byte[] payload, long sentNs) {
    }

    /** Heartbeats whose one-way delays the minima (and so the asymmetry verdict) are taken over. */
    static final int DELAY_WINDOW = 32;

    private final List<PathState> paths = new ArrayList<>();
    private final Map<Long, Pending> unacked = new ConcurrentSkipListMap<>();
    private final AtomicLong nextSeq = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failovers = new AtomicLong();
    private final long heartbeatIntervalNs;
    private final double phiThreshold;
    private final long retransmitAfterNs;
    private final long asymmetryThresholdNs;
    private final Consumer<String> log;
    private final Selector selector;
    private final Thread heartbeats;
    private volatile int active;
    private volatile long lastFailoverAtNs;
    // when the heartbeat loop last came back from being held up itself (a GC pause, a starved core): no heartbeat went
    // out meanwhile, so silence before this instant says nothing about the paths.
    private volatile long resumedAtNs = Long.MIN_VALUE;
    // how long, in all, the heartbeat loop woke later than scheduled: time the host (GC, a starved core) held the link
    // up, not time the paths took; written by the heartbeat thread only
    private volatile long heldUpNs;
    private volatile long heldUpAtLastFailoverNs;
    private volatile boolean running = true;

    public MultipathLink(List<Route> routes, long heartbeatInterval, TimeUnit unit, double phiThreshold, long retransmitAfterMs,
                         long asymmetryThresholdMicros, Consumer<String> log) throws IOException {
        this.heartbeatIntervalNs = unit.toNanos(heartbeatInterval);
        this.phiThreshold = phiThreshold;
        this.retransmitAfterNs = TimeUnit.MILLISECONDS.toNanos(retransmitAfterMs);
        this.asymmetryThresholdNs = TimeUnit.MICROSECONDS.toNanos(asymmetryThresholdMicros);
        this.log = log;
        this.selector = Selector.open();
        try {
            for (int i = 0; i < routes.size(); i++) {
                PathState path = new PathState(i, routes.get(i), heartbeatIntervalNs);
                paths.add(path);
                path.channel.configureBlocking(false);
                path.channel.register(selector, SelectionKey.OP_READ, path);
            }
        } catch (IOException | RuntimeException e) {
            closeSockets();
            throw e;
        }
        this.heartbeats = new Thread(this::heartbeatLoop, "path-link");
        heartbeats.setDaemon(true);
        heartbeats.start();
    }

    /** Sends {@code payload} (at most {@code PathLayout.MAX_DATAGRAM} minus the header) and returns its sequence number. */
    public long send(byte[] payload) {
        long seq = nextSeq.getAndIncrement();
        long now = System.nanoTime();
        unacked.put(seq, new Pending(payload, now));
        paths.get(active).sendData(seq, payload);
        return seq;
    }

    /** Messages the peer has acknowledged. */
    public long acknowledged() {
        return acked.get();
    }

    /** Messages sent and not acknowledged yet. */
    public int unacknowledged() {
        return unacked.size();
    }

    public long failovers() {
        return failovers.get();
    }

    /** {@link System#nanoTime()} of the last failover, or 0. */
    public long lastFailoverAtNs() {
        return lastFailoverAtNs;
    }

    /** {@link System#nanoTime()} when path {@code path} was last declared dead, or -1 if it never was. */
    public long declaredDeadAtNs(int path) {
        return paths.get(path).declaredDeadAtNs;
    }

    /**
     * How long, in all, the heartbeat loop has woken later than scheduled: time this host held the link up (a GC pause,
     * a starved core), which a detection time on the wall clock includes and the paths are not to blame for.
     */
    public long heldUpNs() {
        return heldUpNs;
    }

    /** {@link #heldUpNs()} as it was at the last failover. */
    public long heldUpAtLastFailoverNs() {
        return heldUpAtLastFailoverNs;
    }

    /** {@link #heldUpNs()} as it was when path {@code path} was last declared dead. */
    public long heldUpAtDeathNs(int path) {
        return paths.get(path).heldUpAtDeathNs;
    }

    public int activePath() {
        return active;
    }

    public List<PathReport> report() {
        long now = System.nanoTime();
        List<PathReport> reports = new ArrayList<>();
        for (PathState path : paths) {
            reports.add(path.report(now, path.id == active));
        }
        return reports;
    }

    private void heartbeatLoop() {
        ByteBuffer in = ByteBuffer.allocate(PathLayout.HEARTBEAT_ACK_LENGTH + 16);
        long next = System.nanoTime();
        long previousRound = next;
        long heldUpCountedTo = next;
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                receiveUntil(in, wait);
                continue;
            }
            // every answer already here is read before any path is judged, so silence means silence on the path
            receiveAll(in);
            long now = System.nanoTime();
            // counted once: rounds that catch up after a late wake-up are not held up again
            heldUpNs += Math.max(0, now - Math.max(next, heldUpCountedTo));
            heldUpCountedTo = now;
            if (now - previousRound > LOCAL_STALL_INTERVALS * heartbeatIntervalNs) {
                // this thread missed rounds: the heartbeats it did not send cannot have been answered. Judging that
                // silence failed a healthy path over on a loaded 2-core host (a test saw it 1.4 s before the link went down)
                resumedAtNs = now;
                next = now;
            }
            previousRound = now;
            for (PathState path : paths) {
                path.sendHeartbeat();
                path.judge(now);
            }
            PathState current = paths.get(active);
            // a path never heard from is still starting up, not dead
            if (!current.alive && current.detector.lastArrivalNs() >= 0) {
                failOver(current, now);
            }
            retransmitOverdue(now);
            next += heartbeatIntervalNs;
        }
    }

    /** Waits up to {@code waitNs} for datagrams and handles those that come. */
    private void receiveUntil(ByteBuffer in, long waitNs) {
        try {
            if (selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNs))) == 0) {
                return;
            }
            for (SelectionKey key : selector.selectedKeys()) {
                receiveFrom((PathState) key.attachment(), in);
            }
            selector.selectedKeys().clear();
        } catch (IOException | RuntimeException e) {
            // a socket closed under us at close(); otherwise the next round tries again
        }
    }

    private void receiveAll(ByteBuffer in) {
        for (PathState path : paths) {
            receiveFrom(path, in);
        }
    }

    /** Handles every datagram queued on {@code path}'s socket. */
    private void receiveFrom(PathState path, ByteBuffer in) {
        try {
            while (true) {
                in.clear();
                if (path.channel.receive(in) == null) {
                    return;
                }
                long receivedAt = EpochClock.nowNs();
                long arrivalNanoTime = System.nanoTime();
                in.flip();
                if (in.remaining() < PathLayout.DATA_ACK_LENGTH) {
                    continue;
                }
                byte type = in.get();
                in.getInt();
                long seq = in.getLong();
                if (type == PathLayout.DATA_ACK) {
                    if (unacked.remove(seq) != null) {
                        acked.incrementAndGet();
                    }
                } else if (type == PathLayout.HEARTBEAT_ACK
                        && in.remaining() >= PathLayout.HEARTBEAT_ACK_LENGTH - PathLayout.DATA_ACK_LENGTH) {
                    long sentNs = in.getLong();
                    long peerReceivedNs = in.getLong();
                    long peerSentNs = in.getLong();
                    path.heard(arrivalNanoTime, receivedAt - sentNs, peerReceivedNs - sentNs, receivedAt - peerSentNs);
                }
            }
        } catch (IOException | RuntimeException e) {
            // a downed link or a closed socket: the silence that follows is what the detector judges
        }
    }

    private void failOver(PathState dead, long now) {
        for (PathState candidate : paths) {
            if (candidate.alive) {
                active = candidate.id;
                failovers.incrementAndGet();
                lastFailoverAtNs = now;
                heldUpAtLastFailoverNs = heldUpNs;
                int resent = 0;
                for (Map.Entry<Long, Pending> pending : unacked.entrySet()) {
                    resend(candidate, pending, now);
                    resent++;
                }
                log.accept(String.format("path %d (%s) dead after %.0f ms without heartbeats (phi %.1f); "
                                + "traffic moved to path %d (%s), %d unacknowledged messages sent again",
                        dead.id, dead.route, (now - dead.detector.lastArrivalNs()) / 1e6, dead.phi(now),
                        candidate.id, candidate.route, resent));
                return;
            }
        }
    }

    private void retransmitOverdue(long now) {
        PathState current = paths.get(active);
        for (Map.Entry<Long, Pending> pending : unacked.entrySet()) {
            if (now - pending.getValue().sentNs() > retransmitAfterNs) {
                resend(current, pending, now);
            }
        }
    }

    /** Sends an unacknowledged message again on {@code path}, its retransmit clock restarted at {@code now}. */
    private void resend(PathState path, Map.Entry<Long, Pending> pending, long now) {
        path.sendData(pending.getKey(), pending.getValue().payload());
        unacked.replace(pending.getKey(), pending.getValue(), new Pending(pending.getValue().payload(), now));
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            heartbeats.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeSockets();
    }

    private void closeSockets() {
        for (PathState path : paths) {
            try {
                path.channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** One path: its socket, detector and delay window. Heard and judged on the link's thread; data sent from any thread. */
    private final class PathState {
        final int id;
        final Route route;
        final DatagramChannel channel;
        final PhiAccrualDetector detector;
        final ByteBuffer heartbeat = ByteBuffer.allocate(PathLayout.HEARTBEAT_LENGTH);
        final ByteBuffer data = ByteBuffer.allocate(PathLayout.MAX_DATAGRAM);
        final long[] forward = new long[DELAY_WINDOW];
        final long[] reverse = new long[DELAY_WINDOW];
        int samples;
        long heartbeatSeq;
        volatile boolean alive;
        volatile long rttNs;
        boolean declaredDead;
        volatile long declaredDeadAtNs = -1;
        volatile long heldUpAtDeathNs;

        PathState(int id, Route route, long intervalNs) throws IOException {
            this.id = id;
            this.route = route;
            this.channel = DatagramChannel.open().bind(route.local());
            // deviation floor: a quarter of the interval, so scheduling jitter on a busy host is not taken for a failure
            this.detector = new PhiAccrualDetector(100, Math.max(intervalNs / 4, 1_000_000));
        }

        void sendHeartbeat() {
            heartbeat.clear();
            heartbeat.put(PathLayout.HEARTBEAT).putInt(id).putLong(heartbeatSeq++).putLong(EpochClock.nowNs()).flip();
            try {
                channel.send(heartbeat, route.remote());
            } catch (IOException e) {
                // a downed link refuses the send: the silence that follows is what the detector judges
            }
        }

        synchronized void sendData(long seq, byte[] payload) {
            data.clear();
            data.put(PathLayout.DATA).putInt(id).putLong(seq).putInt(payload.length).put(payload).flip();
            try {
                channel.send(data, route.remote());
            } catch (IOException e) {
                // kept in the unacknowledged set: resent on failover or after retransmitAfter
            }
        }

        synchronized void heard(long arrivalNanoTime, long rtt, long forwardNs, long reverseNs) {
            detector.heartbeat(arrivalNanoTime);
            rttNs = rtt;
            forward[samples % DELAY_WINDOW] = forwardNs;
            reverse[samples % DELAY_WINDOW] = reverseNs;
            samples++;
        }

        /** phi of this path's silence, leaving out any stretch in which the heartbeat loop itself was held up. */
        double phi(long now) {
            return detector.phiOfSilence(now - Math.max(detector.lastArrivalNs(), resumedAtNs));
        }

        synchronized void judge(long now) {
            boolean wasAlive = alive;
            // once declared dead a path lives again only on a heartbeat heard since: a stall of this thread restarts the
            // silence phi judges, which had revived a downed link for a round and re-declared its death (a test saw it)
            boolean heardSinceDeath = !declaredDead || detector.lastArrivalNs() > declaredDeadAtNs;
            alive = detector.lastArrivalNs() >= 0 && heardSinceDeath && phi(now) < phiThreshold;
            if (wasAlive && !alive) {
                declaredDead = true;
                declaredDeadAtNs = now;
                heldUpAtDeathNs = heldUpNs;
            } else if (!wasAlive && alive && declaredDead) {
                declaredDead = false;
                log.accept("path " + id + " (" + route + ") answers again: live, on standby");
            }
        }

        synchronized PathReport report(long now, boolean isActive) {
            long minForward = Long.MAX_VALUE;
            long minReverse = Long.MAX_VALUE;
            for (int i = 0; i < Math.min(samples, DELAY_WINDOW); i++) {
                minForward = Math.min(minForward, forward[i]);
                minReverse = Math.min(minReverse, reverse[i]);
            }
            boolean known = samples > 0;
            boolean asymmetric = known && Math.abs(minForward - minReverse) > asymmetryThresholdNs;
            return new PathReport(id, route.toString(), alive, isActive, phi(now), rttNs, known ? minForward : -1,
                    known ? minReverse : -1, asymmetric, samples);
        }
    }
}
