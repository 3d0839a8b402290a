package io.platform.storage.qos;

import io.platform.observability.LatencyMetrics;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * One tenant's storage I/O allowance: bytes per second and operations per second, each a {@link TokenBucket}, or
 * unlimited. {@link Priority#LATENCY_SENSITIVE} tenants are never made to wait: the budgets exist to keep bulk tenants
 * (backfills, compaction-heavy imports, exports) from taking the disk, and so the page cache and RocksDB's background
 * threads, away from them. Time spent waiting is a metric per tenant. Thread-safe.
 */
public final class IoBudget {
    /** Who waits for whom. */
    public enum Priority { LATENCY_SENSITIVE, BULK }

    private final String tenant;
    private final Priority priority;
    private final TokenBucket bytes;
    private final TokenBucket operations;

    IoBudget(String tenant, Priority priority, TokenBucket bytes, TokenBucket operations) {
        this.tenant = tenant;
        this.priority = priority;
        this.bytes = bytes;
        this.operations = operations;
    }

    /** A latency-sensitive tenant: admitted at once, always. */
    public static IoBudget latencySensitive(String tenant) {
        return new IoBudget(tenant, Priority.LATENCY_SENSITIVE, null, null);
    }

    /**
     * A bulk tenant held to {@code bytesPerSecond} and {@code operationsPerSecond} (0 = that one unlimited), with a burst of 100 ms worth.
     */
    public static IoBudget bulk(String tenant, long bytesPerSecond, long operationsPerSecond) {
        return bulk(tenant, bytesPerSecond, operationsPerSecond, System::nanoTime, LockSupport::parkNanos);
    }

    /** {@link #bulk(String, long, long)} with the clock and the wait its buckets use (tests pass simulated ones). */
    static IoBudget bulk(String tenant, long bytesPerSecond, long operationsPerSecond, LongSupplier nanoClock, LongConsumer parkNanos) {
        return new IoBudget(tenant, Priority.BULK,
                bytesPerSecond > 0 ? new TokenBucket(bytesPerSecond, Math.max(1, bytesPerSecond / 10), nanoClock, parkNanos) : null,
                operationsPerSecond > 0 ? new TokenBucket(operationsPerSecond, Math.max(1, operationsPerSecond / 10), nanoClock,
                        parkNanos) : null);
    }

    /** Waits until {@code byteCount} bytes in {@code operationCount} operations fit the budget. */
    public void admit(long byteCount, int operationCount) {
        if (priority == Priority.LATENCY_SENSITIVE) {
            return;
        }
        long waited = 0;
        if (bytes != null) {
            waited += bytes.acquire(byteCount);
        }
        if (operations != null) {
            waited += operations.acquire(operationCount);
        }
        if (waited > 0) {
            LatencyMetrics.global().count("platform.storage.qos.throttled_ns", waited, "tenant", tenant);
        }
    }

    public String tenant() {
        return tenant;
    }

    public Priority priority() {
        return priority;
    }
}
