package io.platform.observability.logging;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line through per interval, for lines a misbehaving client could otherwise repeat thousands of times a
 * second (the metrics count every occurrence; the log needs an example). Lock-free; thread-safe.
 */
public final class LogRateLimit {
    private final long intervalMs;
    private final AtomicLong nextAllowedMs = new AtomicLong();

    public LogRateLimit(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    /** True for the first caller of each interval. */
    public boolean tryAcquire() {
        long now = System.currentTimeMillis();
        long next = nextAllowedMs.get();
        return now >= next && nextAllowedMs.compareAndSet(next, now + intervalMs);
    }
}
