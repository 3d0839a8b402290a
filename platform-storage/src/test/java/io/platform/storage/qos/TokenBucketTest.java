package io.platform.storage.qos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/**
 * The bucket holds the long-run rate, lets a burst through at once, and never makes latency-sensitive tenants wait.
 * Time is simulated (a wait moves the clock by what was waited), so the figures are the bucket's, not the host's.
 */
class TokenBucketTest {
    private final AtomicLong nowNs = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    private final AtomicLong parkedNs = new AtomicLong();
    private final LongConsumer park = nanos -> {
        parkedNs.addAndGet(nanos);
        nowNs.addAndGet(nanos);
    };

    @Test
    void holdsTheRateOverManyAcquisitions() {
        TokenBucket bucket = new TokenBucket(10_000_000, 1_000_000, nowNs::get, park); // 10 MB/s, 1 MB burst
        long start = nowNs.get();
        for (int i = 0; i < 40; i++) {
            bucket.acquire(100_000);
        }
        double seconds = (nowNs.get() - start) / 1e9;
        // 4 MB at 10 MB/s after a 1 MB burst: at least 0.3 s
        assertTrue(seconds >= 0.28, "took " + seconds + " s");
        assertTrue(seconds < 1.5, "took " + seconds + " s");
    }

    @Test
    void aBurstPassesAtOnceAndThenTheBucketSaysNo() {
        TokenBucket bucket = new TokenBucket(10, 100, nowNs::get, park); // refills one token per 100 ms: none while the clock stands
        int taken = 0;
        while (bucket.tryAcquire(1)) {
            taken++;
        }
        assertTrue(taken >= 100 && taken <= 102, "burst of 100: " + taken);
        assertFalse(bucket.tryAcquire(1));
    }

    @Test
    void latencySensitiveTenantsNeverWaitAndBulkOnesDo() {
        // a latency-sensitive tenant is admitted at once even with a budget it has spent many times over
        IoBudget dashboards = new IoBudget("dashboards", IoBudget.Priority.LATENCY_SENSITIVE,
                new TokenBucket(1_000_000, 100_000, nowNs::get, park), null);
        IoBudget backfill = IoBudget.bulk("backfill", 1_000_000, 0, nowNs::get, park);
        for (int i = 0; i < 1_000; i++) {
            dashboards.admit(1_000_000, 1);
        }
        assertEquals(0, parkedNs.get(), "1 GB admitted at once for a latency-sensitive tenant");
        long start = nowNs.get();
        for (int i = 0; i < 5; i++) {
            backfill.admit(100_000, 1);
        }
        assertTrue(nowNs.get() - start >= 300_000_000L, "500 KB at 1 MB/s after a 100 KB burst waits ~0.4 s");
    }
}
