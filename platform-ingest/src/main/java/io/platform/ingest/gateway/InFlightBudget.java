package io.platform.ingest.gateway;

import io.platform.network.FrameConnection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the events the gateway holds between receiving them and Kafka's acknowledgement, so a slow broker slows
 * producers instead of growing the heap. HTTP requests over the budget are refused (the caller answers 429 with
 * Retry-After); TCP connections are paused (no reads, so TCP flow control pushes back on the client) until the
 * in-flight count falls below half the budget. Thread-safe.
 */
public final class InFlightBudget {
    private final long maxEvents;
    private final long resumeBelow;
    private final AtomicLong inFlight = new AtomicLong();
    private final Set<FrameConnection> paused = ConcurrentHashMap.newKeySet();

    public InFlightBudget(long maxEvents) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("in-flight budget must be at least 1, got " + maxEvents);
        }
        this.maxEvents = maxEvents;
        this.resumeBelow = maxEvents / 2;
    }

    public long maxEvents() {
        return maxEvents;
    }

    public long inFlight() {
        return inFlight.get();
    }

    /** Takes {@code n} events of budget if they fit now; false means "come back later". */
    public boolean tryAcquire(long n) {
        while (true) {
            long current = inFlight.get();
            if (current + n > maxEvents) {
                return false;
            }
            if (inFlight.compareAndSet(current, current + n)) {
                return true;
            }
        }
    }

    /** Takes {@code n} events already received on {@code connection}; pauses it when the budget is exceeded. */
    public void acquire(long n, FrameConnection connection) {
        if (inFlight.addAndGet(n) > maxEvents && paused.add(connection)) {
            connection.setReading(false);
            // the last release may have happened between the add and the pause: re-check so no one stays paused
            if (inFlight.get() <= resumeBelow) {
                resumeAll();
            }
        }
    }

    /** Returns {@code n} events of budget, once their outcome is known. */
    public void release(long n) {
        if (inFlight.addAndGet(-n) <= resumeBelow && !paused.isEmpty()) {
            resumeAll();
        }
    }

    private void resumeAll() {
        for (FrameConnection connection : paused) {
            if (paused.remove(connection)) {
                connection.setReading(true);
            }
        }
    }

    /** A connection closed: forget it. */
    public void forget(FrameConnection connection) {
        paused.remove(connection);
    }
}
