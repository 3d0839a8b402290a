package io.platform.ingest.client;

import io.platform.wire.EpochClock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Groups single events into gateway batch frames, either with fixed settings (send when {@code batchSize} events are
 * waiting or the oldest has waited {@code linger}, as Kafka's producer does) or adaptively.
 *
 * <p>Adaptive mode is clocked by acks, with AIMD on the number of batches in flight:
 * <ul>
 *   <li>a batch goes out as soon as fewer than {@code window} batches are unacknowledged, so at a low rate every event
 *       leaves at once (no linger at all); while the window is full, events gather, so at a high rate batches grow
 *       to what arrives during one ack round trip: batch size and effective linger follow the rate by themselves;</li>
 *   <li>an ack slower than {@code targetAckLatency} (the gateway or Kafka is congested) halves the window
 *       (multiplicative decrease, at most once per round trip); a timely ack raises it by 1/window (one batch per round
 *       trip), and a timely ack of a full batch raises the batch size limit by {@code additiveStep}. Congestion does
 *       not shrink the batch limit: with fewer batches in flight, the events that gather go out in fewer, larger
 *       requests, which is what relieves a gateway whose cost is per request. Halving the limit too (as this class
 *       once did) fed back on itself under saturation: smaller requests, more of them, slower acks, smaller still;
 *       saturating HTTP ingest fell from 372,000 to 12,000 events/s;</li>
 *   <li>everything stays within the configured bounds: batch size in [{@code minBatch}, {@code maxBatch}], at most
 *       {@code maxInFlight} batches, and no event waits longer than {@code maxLinger} while the window is full unless
 *       {@code maxInFlight} is reached.</li>
 * </ul>
 * When {@code maxInFlight} batches are out and the batch is full, {@link #offer} blocks: backpressure reaches the caller
 * instead of memory growing. Thread-safe; acks arrive on the client's I/O thread.
 */
public final class AdaptiveBatcher implements AutoCloseable {
    /** Bounds and mode; see the class comment. */
    public record Settings(boolean adaptive, int minBatch, int maxBatch, long lingerNs, int maxInFlight,
            long targetAckLatencyNs, int additiveStep) {
        public Settings {
            if (minBatch < 1 || maxBatch < minBatch || maxInFlight < 1) {
                throw new IllegalArgumentException("need 1 <= minBatch <= maxBatch and maxInFlight >= 1: " + minBatch + ".."
                        + maxBatch + ", " + maxInFlight);
            }
        }

        /** Kafka-style: send at {@code batchSize} events or after {@code linger}, at most {@code maxInFlight} batches out. */
        public static Settings fixed(int batchSize, long linger, TimeUnit unit, int maxInFlight) {
            return new Settings(false, batchSize, batchSize, unit.toNanos(linger), maxInFlight, Long.MAX_VALUE, 0);
        }

        /** Ack-clocked AIMD within the bounds. */
        public static Settings adaptive(int minBatch, int maxBatch, long maxLinger, TimeUnit unit, int maxInFlight,
                long targetAckLatency, TimeUnit targetUnit) {
            return new Settings(true, minBatch, maxBatch, unit.toNanos(maxLinger), maxInFlight,
                    targetUnit.toNanos(targetAckLatency), Math.max(1, minBatch));
        }

        /** The defaults of the edge agent and the bench: batches of 1 to 4096 events, 20 ms linger, 10 ms ack target. */
        public static Settings adaptiveDefaults() {
            return adaptive(1, 4096, 20, TimeUnit.MILLISECONDS, 64, 10, TimeUnit.MILLISECONDS);
        }
    }

    /** Where batches go; {@link #onAck} must be called once per sent batch. */
    @FunctionalInterface
    public interface Sink {
        void send(long firstSeq, byte[][] values, int count);
    }

    /** Hears the outcome of every batch. */
    @FunctionalInterface
    public interface Listener {
        void acked(long firstSeq, int count, boolean ok);
    }

    private record InFlight(long sentNs, int count, boolean full) {
    }

    private final Settings settings;
    private final Sink sink;
    private final Listener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private final Map<Long, InFlight> inFlight = new HashMap<>();
    private final Thread lingerTimer;
    private final LongSupplier nanoClock;
    private byte[][] batch;
    private int count;
    private long firstSeq;
    private long firstEventNs;
    private int batchLimit;
    private double window;
    private long lastDecreaseNs;
    private long batchesSent;
    private long eventsSent;
    private volatile boolean open = true;

    public AdaptiveBatcher(Settings settings, Sink sink, Listener listener) {
        this(settings, sink, listener, System::nanoTime);
    }

    /** @param nanoClock what linger and ack latency are measured by ({@link System#nanoTime} but in tests) */
    AdaptiveBatcher(Settings settings, Sink sink, Listener listener, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.settings = settings;
        this.sink = sink;
        this.listener = listener;
        this.batch = new byte[settings.maxBatch()][];
        this.batchLimit = settings.adaptive() ? settings.minBatch() : settings.maxBatch();
        this.window = settings.adaptive() ? 1 : settings.maxInFlight();
        this.lingerTimer = new Thread(this::lingerLoop, "batcher-linger");
        lingerTimer.setDaemon(true);
        lingerTimer.start();
    }

    /** A batcher sending one stream's events through a gateway client; the client's ack listener is taken over. */
    public static AdaptiveBatcher forGateway(GatewayClient client, String stream, Settings settings, Listener listener) {
        AdaptiveBatcher[] self = new AdaptiveBatcher[1];
        client.setAckListener(new GatewayClient.AckListener() {
            @Override
            public void onAck(long correlationId, byte status, String reason) {
            }

            @Override
            public void onBatchAck(long correlationId, int accepted, int rejected, int failed, String firstReason) {
                self[0].onAck(correlationId, rejected == 0 && failed == 0);
            }
        });
        self[0] = new AdaptiveBatcher(settings, (first, values, n) ->
                client.sendBatch(stream, values, n, EpochClock.nowNs(), first), listener);
        return self[0];
    }

    /**
     * Adds event {@code seq}; callers number their events consecutively (a batch is acknowledged as first seq + count).
     * Blocks while {@code maxInFlight} batches are out and the batch is full.
     */
    public void offer(long seq, byte[] value) throws InterruptedException {
        lock.lock();
        try {
            while (count >= batchLimit && !trySend(nanoClock.getAsLong(), true)) {
                room.await();
            }
            if (count == 0) {
                firstSeq = seq;
                firstEventNs = nanoClock.getAsLong();
            }
            batch[count++] = value;
            long now = nanoClock.getAsLong();
            trySend(now, count >= batchLimit);
        } finally {
            lock.unlock();
        }
    }

    /** Called with each batch's ack. The listener has heard it before {@link #awaitAcks} can return. */
    public void onAck(long batchFirstSeq, boolean ok) {
        InFlight done;
        lock.lock();
        try {
            done = inFlight.get(batchFirstSeq);
        } finally {
            lock.unlock();
        }
        if (done == null) {
            return;
        }
        listener.acked(batchFirstSeq, done.count(), ok);
        lock.lock();
        try {
            inFlight.remove(batchFirstSeq);
            long now = nanoClock.getAsLong();
            if (settings.adaptive()) {
                adapt(now - done.sentNs(), done.full(), now);
            }
            if (count > 0) {
                trySend(now, count >= batchLimit);
            }
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void adapt(long ackLatencyNs, boolean wasFull, long now) {
        if (ackLatencyNs > settings.targetAckLatencyNs()) {
            // one decrease per round trip: acks of batches sent before the last decrease say nothing new
            if (now - lastDecreaseNs > ackLatencyNs) {
                window = Math.max(1, window / 2);
                lastDecreaseNs = now;
            }
        } else {
            window = Math.min(settings.maxInFlight(), window + 1 / window);
            if (wasFull) {
                batchLimit = Math.min(settings.maxBatch(), batchLimit + Math.max(settings.additiveStep(), batchLimit / 8));
            }
        }
    }

    /**
     * Sends the waiting batch if the rules allow; must hold the lock.
     *
     * @param full the batch reached its limit (fixed mode sends it now if a slot is free)
     */
    private boolean trySend(long now, boolean full) {
        if (count == 0) {
            return true;
        }
        boolean lingered = now - firstEventNs >= settings.lingerNs();
        boolean send;
        if (settings.adaptive()) {
            send = inFlight.size() < (int) window || (lingered && inFlight.size() < settings.maxInFlight());
        } else {
            send = (full || lingered) && inFlight.size() < settings.maxInFlight();
        }
        if (!send) {
            return false;
        }
        byte[][] values = batch;
        int n = count;
        inFlight.put(firstSeq, new InFlight(now, n, n >= batchLimit));
        batchesSent++;
        eventsSent += n;
        count = 0;
        // the sink encodes the values into a frame before returning, so the array can be reused
        sink.send(firstSeq, values, n);
        Arrays.fill(values, 0, n, null);
        return true;
    }

    /** Sends what is waiting now (e.g. at the end of input), waiting for a free slot if needed. */
    public void flush() throws InterruptedException {
        lock.lock();
        try {
            while (count > 0) {
                if (inFlight.size() < settings.maxInFlight()) {
                    firstEventNs = Long.MIN_VALUE / 2;
                    trySend(nanoClock.getAsLong(), true);
                } else {
                    room.await();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every sent batch is acknowledged or the time is up; true when none is outstanding. */
    public boolean awaitAcks(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        lock.lock();
        try {
            while (!inFlight.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                room.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Counters and the adapted state at one moment. */
    public record Stats(long batchesSent, long eventsSent, int batchLimit, double window, int inFlight) {
        @Override
        public String toString() {
            return String.format("limit=%d window=%.1f in_flight=%d mean_batch=%.1f", batchLimit, window, inFlight,
                    batchesSent == 0 ? 0 : eventsSent / (double) batchesSent);
        }
    }

    public Stats stats() {
        lock.lock();
        try {
            return new Stats(batchesSent, eventsSent, batchLimit, window, inFlight.size());
        } finally {
            lock.unlock();
        }
    }

    private void lingerLoop() {
        long tick = Math.max(50_000, Math.min(settings.lingerNs() / 4, 1_000_000));
        while (open) {
            LockSupport.parkNanos(tick);
            lock.lock();
            try {
                if (count > 0) {
                    trySend(nanoClock.getAsLong(), count >= batchLimit);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void close() {
        open = false;
        LockSupport.unpark(lingerTimer);
    }
}
