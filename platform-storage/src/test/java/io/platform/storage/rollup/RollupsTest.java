package io.platform.storage.rollup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.storage.Readings;
import io.platform.storage.StorageOptions;
import io.platform.storage.StoreBatch;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.tiering.PartitionSealer;
import io.platform.storage.tiering.SegmentTier;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollupsTest {
    private static final long HOUR = 3_600_000L;
    private static final long BASE = 1_700_000_000_000L / HOUR * HOUR;
    private static final long WIDTH = 10 * 60_000L;
    @TempDir
    Path dir;

    private final SchemaCatalog catalog = SchemaCatalog.detached();
    private final StreamSchema schema = Readings.SCHEMA;
    private final RollupDefinition tenMinutes = new RollupDefinition("readings_10m", "readings", WIDTH, List.of("count", "temperature"),
            "SELECT device, time_bucket('10m', ts), count(*), sum(count), max(temperature) FROM readings GROUP BY device, time_bucket('10m', ts)");
    // what the rollup must hold, from every row written: "series@bucket" -> rows, sum of count, temperature min/max/sum
    private final Map<String, double[]> expected = new TreeMap<>();
    private final AtomicInteger offsets = new AtomicInteger();

    /** Commits one row per device and minute of {@code [fromMs, toMs)}, noting what the rollup must then hold. */
    private void write(TimeSeriesStore store, long fromMs, long toMs) {
        try (StoreBatch batch = store.newBatch()) {
            for (long t = fromMs; t < toMs; t += 60_000) {
                for (String device : List.of("d1", "d2")) {
                    int offset = offsets.getAndIncrement();
                    double temperature = (offset % 17) * 0.5 - 3;
                    batch.putRaw("readings", device, t, 0, offset, Readings.encode(device, t, offset, temperature));
                    synchronized (expected) {
                        double[] e = expected.computeIfAbsent(device + "@" + Math.floorDiv(t, WIDTH) * WIDTH,
                                k -> new double[] {0, 0, Double.MAX_VALUE, -Double.MAX_VALUE, 0});
                        e[0]++;
                        e[1] += offset;
                        e[2] = Math.min(e[2], temperature);
                        e[3] = Math.max(e[3], temperature);
                        e[4] += temperature;
                    }
                }
            }
            store.commit(batch);
        }
    }

    private TimeSeriesStore openStore() {
        return TimeSeriesStore.open(dir.resolve("db"), StorageOptions.defaults());
    }

    /** An hour of rows, then the rollup over them, ready. */
    private void createOverAnHour(TimeSeriesStore store, Rollups rollups) throws InterruptedException {
        write(store, BASE, BASE + HOUR);
        rollups.create(tenMinutes);
        assertTrue(rollups.awaitReady("readings_10m", 30_000), rollups.state("readings_10m"));
    }

    private static Map<String, double[]> read(Rollups rollups, RollupDefinition definition) {
        Map<String, double[]> found = new TreeMap<>();
        rollups.scan(definition, null, Long.MIN_VALUE, Long.MAX_VALUE, (series, bucket, partial) -> {
            RollupPartial.Slice count = partial.slice(0);
            RollupPartial.Slice temperature = partial.slice(1);
            assertEquals(partial.rows(), count.count(), "count has a value in every row");
            assertFalse(count.fractional(), "whole numbers sum as a long");
            found.put(series + "@" + bucket, new double[] {partial.rows(), count.longSum(), temperature.min().doubleValue(),
                    temperature.max().doubleValue(), temperature.doubleSum()});
            return true;
        });
        return found;
    }

    private void assertExact(Rollups rollups) {
        Map<String, double[]> found = read(rollups, tenMinutes);
        assertEquals(expected.keySet(), found.keySet());
        expected.forEach((key, e) -> {
            double[] f = found.get(key);
            for (int i = 0; i < 4; i++) {
                assertEquals(e[i], f[i], 0, key + " value " + i);
            }
            assertEquals(e[4], f[4], 1e-9, key + " temperature sum");
        });
    }

    @Test
    void aRollupOverExistingSealedAndRecentRowsCountsEachRowOnceWhileCommitsGoOn() throws Exception {
        catalog.apply(schema);
        SegmentTier tier = new SegmentTier(dir.resolve("segments"));
        try (TimeSeriesStore store = openStore();
             Rollups rollups = Rollups.open(store, tier, catalog)) {
            write(store, BASE, BASE + 3 * HOUR);
            assertEquals(2, new PartitionSealer(store, catalog, tier, HOUR, 30 * 60_000L).sealDue(BASE + 3 * HOUR).size());
            // commits race the backfill: new hours, and late rows into sealed and recent hours
            Thread writer = new Thread(() -> {
                for (int i = 0; i < 40; i++) {
                    write(store, BASE + 3 * HOUR + i * 60_000L, BASE + 3 * HOUR + (i + 1) * 60_000L);
                    write(store, BASE + 30_000 + i * 60_000L, BASE + 30_000 + (i + 1) * 60_000L);
                }
            });
            writer.start();
            rollups.create(tenMinutes);
            writer.join();
            assertTrue(rollups.awaitReady("readings_10m", 30_000), rollups.state("readings_10m"));
            write(store, BASE + 2 * HOUR, BASE + 2 * HOUR + 5 * 60_000L);
            assertExact(rollups);
            assertEquals(List.of(tenMinutes), rollups.readyFor("readings"));
        }
    }

    @Test
    void aReadyRollupSurvivesARestartAndAnUnfinishedOneStartsOver() throws Exception {
        catalog.apply(schema);
        try (TimeSeriesStore store = openStore();
             Rollups rollups = Rollups.open(store, null, catalog)) {
            createOverAnHour(store, rollups);
            write(store, BASE + HOUR, BASE + 2 * HOUR);
        }
        try (TimeSeriesStore store = openStore();
             Rollups rollups = Rollups.open(store, null, catalog)) {
            assertTrue(rollups.isReady("readings_10m"), "ready at once: nothing to backfill");
            write(store, BASE + 2 * HOUR, BASE + 3 * HOUR);
            assertExact(rollups);
            // as if the process had died during a backfill: live partials exist, the definition is not ready
            store.putSetting(Rollups.SETTING_PREFIX + "readings_10m", tenMinutes.toSetting(false));
        }
        try (TimeSeriesStore store = openStore();
             Rollups rollups = Rollups.open(store, null, catalog)) {
            assertTrue(rollups.awaitReady("readings_10m", 30_000), rollups.state("readings_10m"));
            assertExact(rollups); // counted once: the old live partials were cleared before the new backfill
        }
    }

    @Test
    void droppingARollupDeletesItsPartialsAndCommitsNoLongerFoldIntoIt() throws Exception {
        catalog.apply(schema);
        try (TimeSeriesStore store = openStore();
             Rollups rollups = Rollups.open(store, null, catalog)) {
            createOverAnHour(store, rollups);
            assertTrue(rollups.drop("readings_10m"));
            assertFalse(rollups.drop("readings_10m"), "already gone");
            write(store, BASE + HOUR, BASE + 2 * HOUR);
            assertTrue(read(rollups, tenMinutes).isEmpty());
            assertNull(rollups.state("readings_10m"));
            assertTrue(rollups.readyFor("readings").isEmpty());
        }
        try (TimeSeriesStore store = openStore();
             Rollups rollups = Rollups.open(store, null, catalog)) {
            assertTrue(rollups.definitions().isEmpty(), "the drop is durable");
        }
    }
}
