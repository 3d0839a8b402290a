package io.platform.ingest.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batching rules against a sink that acknowledges each batch after a set delay, as a gateway would. */
class AdaptiveBatcherTest {
    private static final byte[] EVENT = {1, 2, 3};
    private final ScheduledExecutorService acker = Executors.newSingleThreadScheduledExecutor();
    private final List<long[]> sent = new CopyOnWriteArrayList<>();
    private final List<long[]> acked = new CopyOnWriteArrayList<>();
    private volatile long ackDelayMicros = 0;

    @AfterEach
    void stop() {
        acker.shutdownNow();
    }

    private AdaptiveBatcher batcher(AdaptiveBatcher.Settings settings) {
        AdaptiveBatcher[] self = new AdaptiveBatcher[1];
        self[0] = new AdaptiveBatcher(settings, (firstSeq, values, count) -> {
            sent.add(new long[] {firstSeq, count});
            acker.schedule(() -> self[0].onAck(firstSeq, true), ackDelayMicros, TimeUnit.MICROSECONDS);
        }, (firstSeq, count, ok) -> acked.add(new long[] {firstSeq, count}));
        return self[0];
    }

    private static void assertEveryEventAckedOnceInOrder(List<long[]> batches, long events) {
        long next = 0;
        for (long[] batch : batches.stream().sorted((a, b) -> Long.compare(a[0], b[0])).toList()) {
            assertEquals(next, batch[0], "batches cover consecutive events without gaps or overlaps");
            next += batch[1];
        }
        assertEquals(events, next);
    }

    @Test
    void atALowRateEveryEventLeavesAtOnceWithoutLinger() throws Exception {
        try (AdaptiveBatcher batcher = batcher(AdaptiveBatcher.Settings.adaptiveDefaults())) {
            for (long seq = 0; seq < 50; seq++) {
                batcher.offer(seq, EVENT);
                // sent within offer(): no linger, and no clock to read (a descheduled test thread would fail a timed check)
                assertEquals(seq + 1, sent.size(), "sent while offering, not after a linger");
                assertTrue(batcher.awaitAcks(5, TimeUnit.SECONDS));
            }
            assertEquals(1.0, batcher.stats().eventsSent() / (double) batcher.stats().batchesSent());
        }
    }

    @Test
    void whileAcksAreOutstandingEventsGatherIntoGrowingBatchesAndNoneIsLost() throws Exception {
        ackDelayMicros = 2_000;
        try (AdaptiveBatcher batcher = batcher(AdaptiveBatcher.Settings.adaptiveDefaults())) {
            int events = 200_000;
            for (long seq = 0; seq < events; seq++) {
                batcher.offer(seq, EVENT);
            }
            batcher.flush();
            assertTrue(batcher.awaitAcks(10, TimeUnit.SECONDS));
            assertEveryEventAckedOnceInOrder(acked, events);
            long largest = sent.stream().mapToLong(b -> b[1]).max().orElse(0);
            assertTrue(largest >= 256, "batches grew with the rate: largest " + largest);
            assertTrue(batcher.stats().batchesSent() < events / 20, "far fewer batches than events: " + batcher.stats().batchesSent());
        }
    }

    @Test
    void acksSlowerThanTheTargetHalveTheWindowWhileBatchesStayLarge() throws Exception {
        AdaptiveBatcher.Settings settings = AdaptiveBatcher.Settings.adaptive(1, 1024, 50, TimeUnit.MILLISECONDS, 64, 1, TimeUnit.MILLISECONDS);
        try (AdaptiveBatcher batcher = batcher(settings)) {
            ackDelayMicros = 0;
            for (long seq = 0; seq < 100_000; seq++) {
                batcher.offer(seq, EVENT);
            }
            batcher.flush();
            assertTrue(batcher.awaitAcks(10, TimeUnit.SECONDS));
            int grownLimit = batcher.stats().batchLimit();
            assertTrue(grownLimit > 16, "limit grew while acks were fast: " + batcher.stats());

            ackDelayMicros = 5_000; // now every ack is 5x the 1 ms target: a saturated gateway
            int before = sent.size();
            for (long seq = 100_000; seq < 200_000; seq++) {
                batcher.offer(seq, EVENT);
            }
            batcher.flush();
            assertTrue(batcher.awaitAcks(10, TimeUnit.SECONDS));
            assertEquals(1.0, batcher.stats().window(), "congestion halved the window down to one batch in flight: " + batcher.stats());
            assertTrue(batcher.stats().batchLimit() >= grownLimit, "congestion left the batch limit alone: " + grownLimit + " -> " + batcher.stats());
            // fewer, larger requests relieve a gateway whose cost is per request; halving the limit too collapsed them
            // (to a mean of 5 events). The first round trips still have the grown window open, so judge the later half.
            double meanOnceShut = sent.subList(before, sent.size()).stream().filter(b -> b[0] >= 150_000)
                    .mapToLong(b -> b[1]).average().orElse(0);
            assertTrue(meanOnceShut >= grownLimit / 2.0, "batches stayed large under congestion: mean " + meanOnceShut
                    + " events once the window had shut, limit " + grownLimit);
            assertEveryEventAckedOnceInOrder(acked, 200_000);
        }
    }

    @Test
    void fixedSettingsSendAFullBatchAtOnceAndAPartialOneAfterTheLinger() throws Exception {
        try (AdaptiveBatcher batcher = batcher(AdaptiveBatcher.Settings.fixed(10, 30, TimeUnit.MILLISECONDS, 4))) {
            for (long seq = 0; seq < 10; seq++) {
                batcher.offer(seq, EVENT);
            }
            assertEquals(1, sent.size(), "the tenth event completed the batch");
            long start = System.nanoTime();
            batcher.offer(10, EVENT);
            assertEquals(1, sent.size(), "a partial batch waits for its linger");
            while (sent.size() < 2) {
                Thread.sleep(1);
            }
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(29), "sent after the 30 ms linger");
            assertEquals(1, sent.get(1)[1]);
        }
    }

    @Test
    void offerBlocksWhenMaxInFlightBatchesAreOutAndTheBatchIsFull() throws Exception {
        ackDelayMicros = 300_000;
        AtomicLong offered = new AtomicLong();
        try (AdaptiveBatcher batcher = batcher(AdaptiveBatcher.Settings.fixed(2, 1, TimeUnit.SECONDS, 1))) {
            Thread producer = new Thread(() -> {
                try {
                    for (long seq = 0; seq < 6; seq++) {
                        batcher.offer(seq, EVENT);
                        offered.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            producer.start();
            Thread.sleep(150);
            assertEquals(4, offered.get(), "one batch out, one full batch waiting: the fifth event's offer blocks");
            producer.join(5_000);
            batcher.flush();
            assertTrue(batcher.awaitAcks(5, TimeUnit.SECONDS));
            assertEveryEventAckedOnceInOrder(acked, 6);
        }
    }
}
