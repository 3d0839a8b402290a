package io.platform.query.exec;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets at most {@code maxRunning} queries run at once and at most {@code maxQueued} wait, each for at most
 * {@code maxWaitMs}; the rest are refused at once. A burst of heavy queries then queues or is turned away instead of
 * starving the ones already running or exhausting the heap. Thread-safe.
 */
public final class AdmissionControl {
    private final Semaphore running;
    private final int maxQueued;
    private final long maxWaitMs;
    private final AtomicInteger queued = new AtomicInteger();

    public AdmissionControl(int maxRunning, int maxQueued, long maxWaitMs) {
        this.running = new Semaphore(maxRunning, true);
        this.maxQueued = maxQueued;
        this.maxWaitMs = maxWaitMs;
    }

    /** A permit to run; close it when the query ends. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Waits for a slot.
     *
     * @return the permit, or null when the queue is full or the wait timed out (the caller answers "busy")
     */
    public Permit admit() throws InterruptedException {
        if (running.tryAcquire()) {
            return running::release;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            return null;
        }
        try {
            return running.tryAcquire(maxWaitMs, TimeUnit.MILLISECONDS) ? running::release : null;
        } finally {
            queued.decrementAndGet();
        }
    }

    public int queued() {
        return queued.get();
    }
}
