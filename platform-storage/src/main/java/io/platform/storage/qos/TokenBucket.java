package io.platform.storage.qos;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A token bucket in its GCRA form (virtual scheduling, as ATM cell policing and many rate limiters do): one atomic
 * "theoretical arrival time" instead of a token count refilled by a timer. Taking n tokens pushes it n emission
 * intervals on; a caller waits while it lies more than the burst ahead of now. Lock-free and allocation-free; a large
 * request is admitted whole and makes later ones wait, so the long-run rate holds. Thread-safe.
 */
public final class TokenBucket {
    private final double intervalNs;
    private final long burstNs;
    private final AtomicLong theoreticalArrivalNs;
    private final LongSupplier nanoClock;
    private final LongConsumer parkNanos;

    /** @param ratePerSecond tokens per second; @param burst tokens that may be taken at once after an idle spell */
    public TokenBucket(double ratePerSecond, long burst) {
        this(ratePerSecond, burst, System::nanoTime, LockSupport::parkNanos);
    }

    /** @param nanoClock the clock time is read from; @param parkNanos how a wait is spent (tests pass a simulated pair) */
    TokenBucket(double ratePerSecond, long burst, LongSupplier nanoClock, LongConsumer parkNanos) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("need a positive rate and a burst of at least 1: " + ratePerSecond + ", " + burst);
        }
        this.intervalNs = 1e9 / ratePerSecond;
        this.burstNs = (long) (burst * intervalNs);
        this.nanoClock = nanoClock;
        this.parkNanos = parkNanos;
        this.theoreticalArrivalNs = new AtomicLong(nanoClock.getAsLong());
    }

    /** Takes {@code tokens}, waiting as long as the rate requires; returns the nanoseconds waited. */
    public long acquire(long tokens) {
        long now = nanoClock.getAsLong();
        long wait = reserve(tokens, now);
        if (wait > 0) {
            long until = now + wait;
            for (long left = wait; left > 0; left = until - nanoClock.getAsLong()) {
                parkNanos.accept(left);
            }
        }
        return Math.max(0, wait);
    }

    /** Takes {@code tokens} only if that needs no wait now. */
    public boolean tryAcquire(long tokens) {
        long now = nanoClock.getAsLong();
        while (true) {
            long tat = theoreticalArrivalNs.get();
            long next = Math.max(tat, now) + (long) (tokens * intervalNs);
            if (next - burstNs > now) {
                return false;
            }
            if (theoreticalArrivalNs.compareAndSet(tat, next)) {
                return true;
            }
        }
    }

    private long reserve(long tokens, long now) {
        while (true) {
            long tat = theoreticalArrivalNs.get();
            long next = Math.max(tat, now) + (long) (tokens * intervalNs);
            if (theoreticalArrivalNs.compareAndSet(tat, next)) {
                return next - burstNs - now;
            }
        }
    }
}
