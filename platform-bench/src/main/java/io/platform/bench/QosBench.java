package io.platform.bench;

import io.platform.deploy.demo.SensorEvents;
import io.platform.storage.StorageOptions;
import io.platform.storage.StoreBatch;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.qos.IoBudget;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * {@code platform bench qos}: a latency-sensitive tenant reads one series-hour at a time from the warm tier while a
 * bulk tenant backfills another stream, three ways: reads alone, with the backfill unthrottled, and with the backfill
 * held to an I/O budget. Prints the reads' p50/p99/p999 and the backfill's MB/s for each.
 */
public final class QosBench {
    private static final String DASHBOARD_STREAM = "sensors";
    private static final String BACKFILL_STREAM = "history";
    private static final long BASE = 1_700_000_000_000L;

    private final PrintStream out;

    public QosBench(PrintStream out) {
        this.out = out;
    }

    public void run(Path dir, int seconds, long budgetBytesPerSecond) throws Exception {
        try (TimeSeriesStore store = TimeSeriesStore.open(dir, StorageOptions.defaults())) {
            SensorEvents events = new SensorEvents(100, 100);
            // 100 series x 2 hours, one row per second
            StorageBench.writeSeries(store, DASHBOARD_STREAM, events, 720_000, 100, BASE, 5000);
            store.flush();
            out.printf("bench qos: %d s per run; dashboard reads of one series-hour (100 series, 2 h preloaded) against a backfill of"
                    + " another stream%n", seconds);
            out.printf("%-36s %10s %10s %10s %10s %14s%n", "run", "reads", "p50 ms", "p99 ms", "p999 ms", "backfill MB/s");
            row("reads alone", store, events, seconds, null);
            row("reads + backfill, unthrottled", store, events, seconds, IoBudget.bulk("backfill", 0, 0));
            row("reads + backfill at " + budgetBytesPerSecond / (1 << 20) + " MiB/s budget", store, events, seconds,
                    IoBudget.bulk("backfill", budgetBytesPerSecond, 0));
        }
    }

    private void row(String name, TimeSeriesStore store, SensorEvents events, int seconds, IoBudget backfillBudget) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong backfilled = new AtomicLong();
        Thread backfill = null;
        if (backfillBudget != null) {
            backfill = new Thread(() -> backfill(store, events, backfillBudget, running, backfilled), "backfill");
            backfill.start();
        }
        IoBudget dashboards = IoBudget.latencySensitive("dashboards");
        Histogram reads = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Random random = new Random(7);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            String series = events.series(random.nextInt(100));
            long from = BASE + random.nextInt(2) * 3_600_000L;
            long t0 = System.nanoTime();
            dashboards.admit(0, 1);
            int[] rows = {0};
            store.scanRaw(DASHBOARD_STREAM, series, from, from + 3_600_000L, (k, t, v) -> ++rows[0] > 0);
            reads.recordValue(System.nanoTime() - t0);
            // a dashboard refreshes, it does not spin: 2 ms between reads
            Thread.sleep(2);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        running.set(false);
        if (backfill != null) {
            backfill.join();
        }
        out.printf("%-36s %10d %10.3f %10.3f %10.3f %14s%n", name, reads.getTotalCount(), reads.getValueAtPercentile(50) / 1e6,
                reads.getValueAtPercentile(99) / 1e6, reads.getValueAtPercentile(99.9) / 1e6,
                backfillBudget == null ? "-" : String.format("%.1f", backfilled.get() / elapsed / (1 << 20)));
    }

    private static void backfill(TimeSeriesStore store, SensorEvents events, IoBudget budget, AtomicBoolean running, AtomicLong bytes) {
        long i = 0;
        try (StoreBatch batch = store.newBatch()) {
            while (running.get()) {
                for (int n = 0; n < 5000; n++, i++) {
                    long ts = BASE - 86_400_000L * 30 + i * 10L;
                    batch.putRaw(BACKFILL_STREAM, events.series(i), ts, 0, i, events.encode(i, ts));
                }
                budget.admit(batch.bytes(), 1);
                store.commit(batch);
                bytes.addAndGet(batch.bytes());
                batch.clear();
            }
        }
    }
}
