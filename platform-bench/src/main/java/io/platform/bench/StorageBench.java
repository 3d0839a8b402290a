package io.platform.bench;

import io.platform.deploy.demo.SensorEvents;
import io.platform.query.exec.QueryEngine;
import io.platform.query.exec.QueryLimits;
import io.platform.query.exec.ResultCache;
import io.platform.query.exec.RowSink;
import io.platform.storage.LsmStats;
import io.platform.storage.StorageOptions;
import io.platform.storage.StoreBatch;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.rollup.RollupDefinition;
import io.platform.storage.rollup.Rollups;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.avro.Schema;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * {@code platform bench storage}: the warm tier against plain RocksDB with default options on the same keys and
 * values, and against QuestDB embedded on the same rows, in one process: ingest rows/s in batches, and the latency of
 * reading one series' hour. Then the query
 * engine on the same data: a dashboard aggregate uncached and cached.
 */
public final class StorageBench {
    private static final String STREAM = "sensors";

    private final PrintStream out;

    public StorageBench(PrintStream out) {
        this.out = out;
    }

    /**
     * Writes {@code rows} sample events to {@code stream}, one per second per series from {@code baseMs} (so each series
     * has rows/series seconds of data), in batches of {@code batchRows}.
     */
    static void writeSeries(TimeSeriesStore store, String stream, SensorEvents events, int rows, int series, long baseMs, int batchRows) {
        try (StoreBatch batch = store.newBatch()) {
            for (int i = 0; i < rows; i++) {
                long ts = baseMs + (i / series) * 1000L;
                batch.putRaw(stream, events.series(i), ts, 0, i, events.encode(i, ts));
                if (batch.rawCount() == batchRows) {
                    store.commit(batch);
                    batch.clear();
                }
            }
            store.commit(batch);
        }
    }

    public void run(int rows, int series, int reads, Path dir, StorageOptions warmOptions) throws Exception {
        Schema avro = new Schema.Parser().parse(SensorEvents.SCHEMA);
        StreamSchema schema = StreamSchema.define(STREAM, 1, 100, avro, null, null);
        SensorEvents events = new SensorEvents(schema.id(), series);
        long base = 1_700_000_000_000L;
        int batchRows = 5000;
        // rows are spread one per second per series: each series has rows/series seconds of data
        out.printf("storage bench: %,d rows, %d series, batches of %d, %d range reads of one series-hour%n", rows, series, batchRows,
                reads);

        double ours;
        Histogram ourReads = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        out.printf("warm tier: %s compaction of rows, %d MiB memtables, %d MiB block cache%n", warmOptions.rowCompaction().name()
                .toLowerCase(Locale.ROOT),
                warmOptions.writeBufferBytes() >> 20, warmOptions.blockCacheBytes() >> 20);
        try (TimeSeriesStore store = TimeSeriesStore.open(dir.resolve("platform"), warmOptions)) {
            long start = System.nanoTime();
            writeSeries(store, STREAM, events, rows, series, base, batchRows);
            ours = rows / ((System.nanoTime() - start) / 1e9);
            timeReads(ourReads, events, reads, rows, series, base, (s, from, to) -> {
                int[] n = {0};
                store.scanRaw(STREAM, s, from, to, (k, t, v) -> ++n[0] > 0);
                return n[0];
            });
            LsmStats lsm = store.lsmStats();
            out.printf("platform warm tier LSM after ingest and reads: write amplification %.2f (flush %,d + compaction %,d bytes for %,d"
                            + " stored), read amplification %.1f blocks per read, stalls %.1f ms, pending compaction %,d bytes, L0 files"
                            + " %d%n",
                    lsm.writeAmplification(), lsm.flushBytesWritten(), lsm.compactionBytesWritten(), lsm.userBytesWritten(),
                    lsm.readAmplification(), lsm.stallMicros() / 1e3, lsm.pendingCompactionBytes(), lsm.level0Files());
            queries(store, schema);
        }

        // the same writes into a store that keeps an hourly rollup of the stream: what exactness costs the writer
        double rolledUp;
        try (TimeSeriesStore store = TimeSeriesStore.open(dir.resolve("platform-rollup"), warmOptions)) {
            SchemaCatalog catalog = SchemaCatalog.detached();
            catalog.apply(schema);
            try (Rollups rollups = Rollups.open(store, null, catalog)) {
                rollups.create(new RollupDefinition("sensors_1h", STREAM, 3_600_000L,
                        schema.numericFields(), "(bench)"));
                if (!rollups.awaitReady("sensors_1h", 10_000)) {
                    throw new IllegalStateException("rollup not ready: " + rollups.state("sensors_1h"));
                }
                long start = System.nanoTime();
                writeSeries(store, STREAM, events, rows, series, base, batchRows);
                rolledUp = rows / ((System.nanoTime() - start) / 1e9);
            }
        }
        out.printf("platform warm tier keeping an hourly rollup of %s: %,.0f rows/s ingest (%.2f of without)%n",
                schema.numericFields(), rolledUp, rolledUp / ours);

        double plain;
        Histogram plainReads = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        try (Options options = new Options().setCreateIfMissing(true);
             RocksDB db = RocksDB.open(options, dir.resolve("plain").toString());
             WriteOptions write = new WriteOptions();
             WriteBatch batch = new WriteBatch()) {
            long start = System.nanoTime();
            for (int i = 0; i < rows; i++) {
                long ts = base + (i / series) * 1000L;
                batch.put(plainKey(events.series(i), ts, i), events.encode(i, ts));
                if (batch.count() == batchRows) {
                    db.write(write, batch);
                    batch.clear();
                }
            }
            db.write(write, batch);
            plain = rows / ((System.nanoTime() - start) / 1e9);
            timeReads(plainReads, events, reads, rows, series, base, (s, from, to) -> {
                byte[] prefix = s.getBytes(StandardCharsets.UTF_8);
                int n = 0;
                try (RocksIterator it = db.newIterator()) {
                    for (it.seek(plainKey(s, from, 0)); it.isValid(); it.next()) {
                        byte[] key = it.key();
                        if (!startsWith(key, prefix) || ByteBuffer.wrap(key, prefix.length + 1, 8).getLong() >= to) {
                            break;
                        }
                        it.value();
                        n++;
                    }
                }
                return n;
            });
        }
        double quest;
        Histogram questReads = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        long questRows = 0;
        try (QuestDbPeer questDb = new QuestDbPeer(dir.resolve("questdb"))) {
            quest = questDb.ingest(events, rows, series, base, batchRows);
            questRows = timeReads(questReads, events, reads, rows, series, base, questDb::readRange);
        }
        out.printf("%n%-34s %14s %10s %10s %10s%n", "", "ingest rows/s", "read p50", "read p99", "read max");
        out.printf("%-34s %,14.0f %8.3fms %8.3fms %8.3fms%n", "platform warm tier (TimeSeriesStore)", ours,
                ourReads.getValueAtPercentile(50) / 1e6, ourReads.getValueAtPercentile(99) / 1e6, ourReads.getMaxValue() / 1e6);
        out.printf("%-34s %,14.0f %8.3fms %8.3fms %8.3fms%n", "plain RocksDB, default options", plain,
                plainReads.getValueAtPercentile(50) / 1e6, plainReads.getValueAtPercentile(99) / 1e6, plainReads.getMaxValue() / 1e6);
        out.printf("%-34s %,14.0f %8.3fms %8.3fms %8.3fms%n", "QuestDB 9.2 embedded (SQL reads)", quest,
                questReads.getValueAtPercentile(50) / 1e6, questReads.getValueAtPercentile(99) / 1e6, questReads.getMaxValue() / 1e6);
        out.printf("ratio platform/plain: ingest %.2f, read p99 %.2f%n", ours / plain,
                ourReads.getValueAtPercentile(99) / (double) plainReads.getValueAtPercentile(99));
        out.printf("ratio platform/QuestDB: ingest %.2f, read p99 %.2f (QuestDB returned %,d rows in %d reads: %d per series-hour)%n",
                ours / quest, ourReads.getValueAtPercentile(99) / (double) questReads.getValueAtPercentile(99), questRows, reads,
                reads == 0 ? 0 : questRows / reads);
    }

    /** Reads one series-hour of data. */
    @FunctionalInterface
    private interface RangeRead {
        /** @return the rows read */
        int read(String series, long fromMs, long toMs) throws Exception;
    }

    /**
     * {@code reads} reads of one random series' hour (the same sequence for every store: seed 42), each timed into
     * {@code latencies}; the rows read in all.
     */
    private static long timeReads(Histogram latencies, SensorEvents events, int reads, int rows, int series, long base, RangeRead read)
            throws Exception {
        Random random = new Random(42);
        long hours = Math.max(1, (rows / series) / 3600);
        long total = 0;
        for (int r = 0; r < reads; r++) {
            String s = events.series(random.nextInt(series));
            long from = base + random.nextInt((int) hours) * 3_600_000L;
            long t0 = System.nanoTime();
            total += read.read(s, from, from + 3_600_000L);
            latencies.recordValue(System.nanoTime() - t0);
        }
        return total;
    }

    private void queries(TimeSeriesStore store, StreamSchema schema) throws Exception {
        SchemaCatalog catalog = SchemaCatalog.detached();
        catalog.apply(schema);
        ResultCache cache = new ResultCache(100, 10_000);
        QueryEngine engine = new QueryEngine(store, catalog, "10s", QueryLimits.defaults(), cache);
        String dashboard = "SELECT site, count(*) AS n, avg(temperature) AS t FROM " + STREAM + " WHERE device = 'dev-7' AND site = 'west'"
                + " GROUP BY site";
        Histogram uncached = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Histogram cached = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        RowSink discard = new RowSink() {
            @Override
            public void columns(List<String> names) {
            }

            @Override
            public boolean row(Object[] values) {
                return true;
            }
        };
        for (int i = 0; i < 200; i++) {
            cache.invalidate(STREAM);
            long t0 = System.nanoTime();
            engine.execute(dashboard, discard);
            uncached.recordValue(System.nanoTime() - t0);
        }
        for (int i = 0; i < 20_000; i++) {
            long t0 = System.nanoTime();
            engine.execute(dashboard, discard);
            cached.recordValue(System.nanoTime() - t0);
        }
        out.printf("dashboard query (one series, count + avg over all its rows): uncached p50 %.3f ms p99 %.3f ms; cached p50 %.4f ms p99"
                + " %.4f ms%n",
                uncached.getValueAtPercentile(50) / 1e6, uncached.getValueAtPercentile(99) / 1e6,
                cached.getValueAtPercentile(50) / 1e6, cached.getValueAtPercentile(99) / 1e6);
    }

    private static byte[] plainKey(String series, long ts, long seq) {
        byte[] s = series.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(s.length + 1 + 8 + 8).put(s).put((byte) 0).putLong(ts).putLong(seq).array();
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
