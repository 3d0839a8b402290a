package io.platform.ingest.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Batching rules against a sink that acknowledges each batch after a set delay, as a gateway would. The batcher's clock
 * is simulated: it moves only when an ack arrives, to its batch's send time plus the ack delay, so ack latency and
 * linger are what the test sets, however late a loaded host runs the acker or the linger timer.
 */
class AdaptiveBatcherTest {
    private static final byte[] EVENT = {1, 2, 3};
    private final ScheduledExecutorService acker = Executors.newSingleThreadScheduledExecutor();
    private final List<long[]> sent = new CopyOnWriteArrayList<>();
    private final List<Long> sentAtNs = new CopyOnWriteArrayList<>();
    private final List<long[]> acked = new CopyOnWriteArrayList<>();
    private final AtomicLong nowNs = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    private final AtomicLong clockReads = new AtomicLong();
    private final List<Runnable> heldAcks = new ArrayList<>();
    private volatile long ackDelayMicros = 0;
    private boolean holdAcks;

    @AfterEach
    void stop() {
        acker.shutdownNow();
    }

    private long readClock() {
        clockReads.incrementAndGet();
        return nowNs.get();
    }

    private AdaptiveBatcher batcher(AdaptiveBatcher.Settings settings) {
        AdaptiveBatcher[] self = new AdaptiveBatcher[1];
        self[0] = new AdaptiveBatcher(settings, (firstSeq, values, count) -> {
            sent.add(new long[] {firstSeq, count});
            long sentAt = nowNs.get();
            sentAtNs.add(sentAt);
            long delayMicros = ackDelayMicros;
            Runnable ack = () -> {
                nowNs.accumulateAndGet(sentAt + TimeUnit.MICROSECONDS.toNanos(delayMicros), Math::max);
                self[0].onAck(firstSeq, true);
            };
            synchronized (heldAcks) {
                if (holdAcks) {
                    heldAcks.add(ack);
                    return;
                }
            }
            // the real delay lets events gather meanwhile; the latency the batcher measures is the simulated one
            acker.schedule(ack, delayMicros, TimeUnit.MICROSECONDS);
        }, (firstSeq, count, ok) -> acked.add(new long[] {firstSeq, count}), this::readClock);
        return self[0];
    }

    private void releaseAcks() {
        synchronized (heldAcks) {
            holdAcks = false;
            heldAcks.forEach(acker::execute);
            heldAcks.clear();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 60 s waiting for: " + what);
            }
            Thread.sleep(1);
        }
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
                assertTrue(batcher.awaitAcks(60, TimeUnit.SECONDS));
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
            assertTrue(batcher.awaitAcks(60, TimeUnit.SECONDS));
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
            assertTrue(batcher.awaitAcks(60, TimeUnit.SECONDS));
            int grownLimit = batcher.stats().batchLimit();
            assertTrue(grownLimit > 16, "limit grew while acks were fast: " + batcher.stats());

            ackDelayMicros = 5_000; // now every ack is 5x the 1 ms target: a saturated gateway
            int before = sent.size();
            for (long seq = 100_000; seq < 200_000; seq++) {
                batcher.offer(seq, EVENT);
            }
            batcher.flush();
            assertTrue(batcher.awaitAcks(60, TimeUnit.SECONDS));
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
            long start = nowNs.get();
            batcher.offer(10, EVENT);
            assertEquals(1, sent.size(), "a partial batch waits for its linger");
            nowNs.set(start + TimeUnit.MILLISECONDS.toNanos(30) - 1);
            long reads = clockReads.get();
            await("the linger timer looking at the clock 1 ns before the linger is up", () -> clockReads.get() >= reads + 3);
            assertEquals(1, sent.size(), "a partial batch waits for its linger");
            nowNs.set(start + TimeUnit.MILLISECONDS.toNanos(30));
            await("the partial batch sent", () -> sent.size() == 2);
            assertTrue(sentAtNs.get(1) - start >= TimeUnit.MILLISECONDS.toNanos(30), "sent after the 30 ms linger");
            assertEquals(1, sent.get(1)[1]);
        }
    }

    @Test
    void offerBlocksWhenMaxInFlightBatchesAreOutAndTheBatchIsFull() throws Exception {
        holdAcks = true;
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
            // no ack comes until released, so only a blocked fifth offer leaves the producer parked at four
            await("the producer parked or done", () -> offered.get() >= 4
                    && (producer.getState() == Thread.State.WAITING || producer.getState() == Thread.State.TERMINATED));
            assertEquals(4, offered.get(), "one batch out, one full batch waiting: the fifth event's offer blocks");
            assertEquals(1, sent.size(), "one batch out");
            releaseAcks();
            producer.join(60_000);
            assertEquals(6, offered.get(), "the acks unblocked the offer");
            batcher.flush();
            assertTrue(batcher.awaitAcks(60, TimeUnit.SECONDS));
            assertEveryEventAckedOnceInOrder(acked, 6);
        }
    }
}
