package io.platform.storage.qos;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bucket holds the long-run rate, lets a burst through at once, and never makes latency-sensitive tenants wait. */
class TokenBucketTest {
    @Test
    void holdsTheRateOverManyAcquisitions() {
        TokenBucket bucket = new TokenBucket(10_000_000, 1_000_000); // 10 MB/s, 1 MB burst
        long start = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            bucket.acquire(100_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // 4 MB at 10 MB/s after a 1 MB burst: at least 0.3 s
        assertTrue(seconds >= 0.28, "took " + seconds + " s");
        assertTrue(seconds < 1.5, "took " + seconds + " s");
    }

    @Test
    void aBurstPassesAtOnceAndThenTheBucketSaysNo() {
        TokenBucket bucket = new TokenBucket(10, 100); // refills one token per 100 ms: none during the test
        int taken = 0;
        while (bucket.tryAcquire(1)) {
            taken++;
        }
        assertTrue(taken >= 100 && taken <= 102, "burst of 100: " + taken);
        assertFalse(bucket.tryAcquire(1));
    }

    @Test
    void latencySensitiveTenantsNeverWaitAndBulkOnesDo() {
        IoBudget dashboards = IoBudget.latencySensitive("dashboards");
        IoBudget backfill = IoBudget.bulk("backfill", 1_000_000, 0);
        long start = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            dashboards.admit(1_000_000, 1);
        }
        assertTrue(System.nanoTime() - start < 100_000_000L, "1 GB admitted at once for a latency-sensitive tenant");
        start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            backfill.admit(100_000, 1);
        }
        assertTrue(System.nanoTime() - start >= 300_000_000L, "500 KB at 1 MB/s after a 100 KB burst waits ~0.4 s");
    }
}
