package io.platform.query.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.query.stats.ColumnStatistics;
import io.platform.query.stats.StatisticsCatalog;
import io.platform.query.stats.TableStatistics;
import io.platform.storage.StorageOptions;
import io.platform.storage.StoreBatch;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.tiering.PartitionSealer;
import io.platform.storage.tiering.SegmentTier;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Column statistics (distinct values, min/max, histograms) gathered from sealed partitions and a sample of recent rows,
 * and the estimates the planner makes from them: matched rows and groups, against what the query then finds.
 */
class StatisticsQueryTest {
    private static final long HOUR = 3_600_000L;
    private static final long BASE = 1_700_000_000_000L / HOUR * HOUR;
    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"R","fields":[{"name":"device","type":"string"},{"name":"ts","type":"long"},
             {"name":"n","type":"int"},{"name":"temperature","type":"double"}]}""");

    @TempDir
    Path dir;
    private TimeSeriesStore store;
    private StatisticsCatalog statistics;
    private QueryEngine engine;

    @BeforeEach
    void load() throws Exception {
        store = TimeSeriesStore.open(dir.resolve("db"), StorageOptions.defaults());
        SchemaCatalog catalog = CatalogFixture.withSchema(StreamSchema.define("readings", 1, 100, SCHEMA, "ts", List.of("device")));
        SegmentTier tier = new SegmentTier(dir.resolve("segments"));
        statistics = new StatisticsCatalog(store, tier, catalog, 0);
        engine = new QueryEngine(store, tier, catalog, "10s", new QueryLimits(30_000, 100_000), null).withStatistics(statistics);
        // three hours, a row per second for each of 50 devices; temperatures skewed: most near 20, a few up to 100
        long seed = 42;
        System.out.println("StatisticsQueryTest seed=" + seed);
        Random random = new Random(seed);
        try (StoreBatch batch = store.newBatch()) {
            int offset = 0;
            for (long t = BASE; t < BASE + 3 * HOUR; t += 1000) {
                for (int d = 0; d < 50; d++) {
                    double temperature = 20 + random.nextGaussian() * 3 + (random.nextInt(100) == 0 ? random.nextInt(80) : 0);
                    batch.putRaw("readings", "d" + d, t, 0, offset, io.platform.query.WireEvents.encode(SCHEMA, "d" + d, t, offset % 1000, temperature));
                    offset++;
                }
                if (batch.rawCount() >= 5000) {
                    store.commit(batch);
                    batch.clear();
                }
            }
            store.commit(batch);
        }
        assertEquals(2, new PartitionSealer(store, catalog, tier, HOUR, 0).sealDue(BASE + 2 * HOUR).size());
        store.compactAll(); // the seals' range deletes out of the recent-row estimates, as between a node's hourly seals
    }

    @AfterEach
    void close() {
        statistics.close();
        store.close();
    }

    @Test
    void statisticsCoverSealedAndRecentRows() {
        TableStatistics stats = statistics.refresh("readings");
        assertEquals(540_000, stats.rows());
        assertEquals(360_000, stats.sealedRows());
        assertTrue(stats.sampledRows() >= 15_000 && stats.sampledRows() <= 180_000, "recent rows sampled: " + stats.sampledRows());
        ColumnStatistics device = stats.column("device");
        assertEquals(50, device.distinct());
        assertEquals("d0", device.min());
        assertEquals("d9", device.max());
        ColumnStatistics n = stats.column("n");
        assertTrue(Math.abs(n.distinct() - 1000) <= 60, n.toString());
        ColumnStatistics temperature = stats.column("temperature");
        assertNotNull(temperature.boundaries(), "numbers get a histogram");
        // about 15.9% of a normal lies one sigma above its mean (plus the few hot outliers)
        double above23 = temperature.selectivity(">", 23.0);
        assertTrue(above23 > 0.13 && above23 < 0.21, "selectivity of temperature > 23: " + above23 + " " + temperature);
        assertEquals(0, temperature.selectivity("=", 1000.0), "outside min..max");
    }

    @Test
    void explainEstimatesMatchedRowsAndGroupsNearWhatTheQueryFinds() throws Exception {
        statistics.refresh("readings");
        String filtered = "SELECT device, count(*) FROM readings WHERE temperature > 23 GROUP BY device";
        List<String> analyzed = EngineRows.of(engine, "EXPLAIN ANALYZE " + filtered);
        String plan = analyzed.get(0);
        assertTrue(plan.contains(" est_groups=50"), plan);
        String[] fields = plan.replaceAll("^\\[|\\]$", "").split(", ");
        int n = fields.length;
        long estimatedMatched = Long.parseLong(fields[n - 10]);
        long matched = Long.parseLong(fields[n - 7]);
        assertTrue(estimatedMatched > matched * 0.75 && estimatedMatched < matched * 1.25,
                "estimated " + estimatedMatched + " rows matched, found " + matched + ": " + plan);
        String bucketed = engine.prepare("SELECT time_bucket('10m', ts) AS b, device, avg(n) FROM readings WHERE ts >= " + (BASE + HOUR)
                + " GROUP BY time_bucket('10m', ts), device").plan();
        assertTrue(bucketed.contains(" est_groups=600"), "12 ten-minute buckets x 50 devices: " + bucketed);
        String equality = engine.prepare("SELECT count(*) FROM readings WHERE n = 7").plan();
        long estimate = Long.parseLong(equality.replaceAll(".* est_matched=(\\d+).*", "$1"));
        assertTrue(estimate > 400 && estimate < 700, "1 of ~1000 distinct values of 540,000 rows: " + equality);
    }
}
