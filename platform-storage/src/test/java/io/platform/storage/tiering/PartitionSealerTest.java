package io.platform.storage.tiering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.storage.Readings;
import io.platform.storage.SealedPartition;
import io.platform.storage.StorageOptions;
import io.platform.storage.StoreBatch;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.columnar.ColumnarSegment;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionSealerTest {
    private static final long HOUR = 3_600_000L;
    private static final long BASE = 1_700_000_000_000L / HOUR * HOUR;
    @TempDir
    Path dir;

    private final SchemaCatalog catalog = SchemaCatalog.detached();
    private final StreamSchema schema = Readings.SCHEMA;

    /** Three hours of one row per minute for two devices: 360 rows. */
    private static void writeThreeHours(TimeSeriesStore store, StreamSchema schema) {
        try (StoreBatch batch = store.newBatch()) {
            int offset = 0;
            for (long t = BASE; t < BASE + 3 * HOUR; t += 60_000) {
                for (String device : List.of("d1", "d2")) {
                    batch.putRaw("readings", device, t, 0, offset, Readings.encode(device, t, offset, offset * 0.5));
                    offset++;
                }
            }
            store.commit(batch);
        }
    }

    private static int rawRows(TimeSeriesStore store) {
        int[] rows = {0};
        store.scanRaw("readings", null, Long.MIN_VALUE, Long.MAX_VALUE, (s, t, v) -> ++rows[0] > 0);
        return rows[0];
    }

    @Test
    void sealsOnlyPartitionsOldEnoughAndTheirRowsLeaveTheRowStoreIntoAnExactSegment() {
        catalog.apply(schema);
        SegmentTier tier = new SegmentTier(dir.resolve("segments"));
        try (TimeSeriesStore store = TimeSeriesStore.open(dir.resolve("db"), StorageOptions.defaults())) {
            writeThreeHours(store, schema);
            PartitionSealer sealer = new PartitionSealer(store, catalog, tier, HOUR, 30 * 60_000L);
            // at BASE + 3h the third hour ended 0 min ago: too recent; the first two are sealed
            List<SealedPartition> sealed = sealer.sealDue(BASE + 3 * HOUR);
            assertEquals(2, sealed.size(), sealed.toString());
            assertEquals(BASE, sealed.get(0).fromMs());
            assertEquals(120, sealed.get(0).rows());
            assertEquals(120, rawRows(store), "the third hour is still rows");
            assertTrue(sealer.sealDue(BASE + 3 * HOUR).isEmpty(), "nothing is sealed twice");

            ColumnarSegment segment = tier.segment(sealed.get(1));
            assertEquals(List.of("time", "ts", "count", "temperature", PartitionSealer.SERIES_COLUMN, "device"), segment.columns());
            List<String> devices = new ArrayList<>();
            double[] temperatureSum = {0};
            long[] countSum = {0};
            segment.scan(Long.MIN_VALUE, Long.MAX_VALUE, segment.columns(), block -> {
                for (int i = 0; i < block.rows(); i++) {
                    assertEquals(block.times()[i], block.longs().get("ts")[i]);
                    devices.add(block.strings().get("device")[i]);
                    temperatureSum[0] += block.doubles().get("temperature")[i];
                    countSum[0] += block.longs().get("count")[i];
                }
            });
            // second hour: offsets 120..239, rows ordered by series: all of d1 first
            assertEquals(120, devices.size());
            assertEquals("d1", devices.get(59));
            assertEquals("d2", devices.get(60));
            long expectedCount = 0;
            for (int o = 120; o < 240; o++) {
                expectedCount += o;
            }
            assertEquals(expectedCount, countSum[0]);
            assertEquals(expectedCount * 0.5, temperatureSum[0], 1e-9);
        }
        try (TimeSeriesStore store = TimeSeriesStore.open(dir.resolve("db"), StorageOptions.defaults())) {
            assertEquals(2, store.sealed("readings", Long.MIN_VALUE, Long.MAX_VALUE).size(), "the manifest survives a reopen");
            assertEquals(1, store.sealed("readings", BASE + HOUR, BASE + HOUR + 1).size());
        }
    }

    @Test
    void aRowArrivingForASealedPartitionStaysARowAndAnOpenViewKeepsSeeingTheRowsItStartedWith() {
        catalog.apply(schema);
        SegmentTier tier = new SegmentTier(dir.resolve("segments"));
        try (TimeSeriesStore store = TimeSeriesStore.open(dir.resolve("db"), StorageOptions.defaults())) {
            writeThreeHours(store, schema);
            PartitionSealer sealer = new PartitionSealer(store, catalog, tier, HOUR, 0);
            try (TimeSeriesStore.ReadView before = store.readView()) {
                assertEquals(1, sealer.sealDue(BASE + HOUR + 1).size());
                int[] rows = {0};
                before.scanRaw("readings", null, Long.MIN_VALUE, Long.MAX_VALUE, (s, t, v) -> ++rows[0] > 0);
                assertEquals(360, rows[0], "a view opened before the seal reads the rows it began with");
                assertTrue(before.sealed("readings", Long.MIN_VALUE, Long.MAX_VALUE).isEmpty());
            }
            try (TimeSeriesStore.ReadView after = store.readView()) {
                assertEquals(1, after.sealed("readings", Long.MIN_VALUE, Long.MAX_VALUE).size());
            }
            assertEquals(240, rawRows(store));
            try (StoreBatch late = store.newBatch()) {
                late.putRaw("readings", "d3", BASE + 5, 0, 999, Readings.encode("d3", BASE + 5, 999, 1.0));
                store.commit(late);
            }
            assertEquals(241, rawRows(store), "the late row is kept as a row next to the sealed segment");
            assertTrue(sealer.sealDue(BASE + HOUR + 1).isEmpty());
        }
    }

    @Test
    void aStreamWithANullableFieldStaysInTheRowStoreWithTheReason() {
        Schema nullable = new Schema.Parser().parse("""
                {"type":"record","name":"Reading","fields":[{"name":"device","type":"string"},{"name":"ts","type":"long"},
                 {"name":"temperature","type":["null","double"],"default":null}]}""");
        catalog.apply(StreamSchema.define("readings", 1, 8, nullable, "ts", List.of("device")));
        try (TimeSeriesStore store = TimeSeriesStore.open(dir.resolve("db"), StorageOptions.defaults())) {
            PartitionSealer sealer = new PartitionSealer(store, catalog, new SegmentTier(dir.resolve("segments")), HOUR, 0);
            String reason = sealer.unsealable("readings");
            assertNotNull(reason);
            assertTrue(reason.contains("'temperature'") && reason.contains("union"), reason);
            assertTrue(sealer.sealDue(BASE + 10 * HOUR).isEmpty());
            assertEquals("no schema", sealer.unsealable("nothing"));
        }
    }

    @Test
    void aSealIsAbandonedWhenARowIsWrittenIntoItsPartitionWhileItRuns() {
        catalog.apply(schema);
        SegmentTier tier = new SegmentTier(dir.resolve("segments"));
        try (TimeSeriesStore store = TimeSeriesStore.open(dir.resolve("db"), StorageOptions.defaults())) {
            writeThreeHours(store, schema);
            int[] read = {0};
            SealedPartition abandoned = store.seal("readings", BASE, BASE + HOUR, source -> {
                source.accept((series, time, value) -> read[0]++);
                try (StoreBatch late = store.newBatch()) {
                    late.putRaw("readings", "d1", BASE + 1, 0, 5000, Readings.encode("d1", BASE + 1, 5000, 2.0));
                    store.commit(late);
                }
                return new SealedPartition("readings", BASE, BASE + HOUR, read[0], "never.seg");
            });
            assertEquals(null, abandoned, "the range delete would have removed the row written meanwhile");
            assertEquals(120, read[0]);
            assertEquals(361, rawRows(store), "every row, the late one too, is still in the row store");
            assertTrue(store.sealed("readings", Long.MIN_VALUE, Long.MAX_VALUE).isEmpty());
            // a commit outside the partition does not disturb the next attempt, which includes the late row
            assertEquals(121, new PartitionSealer(store, catalog, tier, HOUR, 0).seal("readings", BASE).rows());
            assertEquals(240, rawRows(store));
        }
    }

    private static double temperatureSum(io.platform.storage.columnar.ColumnarSegment segment) {
        double[] sum = {0};
        segment.scan(Long.MIN_VALUE, Long.MAX_VALUE, List.of("temperature"), block -> {
            for (double v : block.doubles().get("temperature")) {
                sum[0] += v;
            }
        });
        return sum[0];
    }

    @Test
    void oldIdleSegmentsMoveToTheErasureCodedColdTierAndAreReadThroughALocalCache() throws Exception {
        catalog.apply(schema);
        List<Path> shardDirs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            shardDirs.add(dir.resolve("disk" + i));
        }
        SegmentTier tier = new SegmentTier(dir.resolve("segments"), 0, new io.platform.storage.cold.ErasureCodedStore(shardDirs, 3, 2),
                dir.resolve("cold-cache"), 1 << 20);
        try (TimeSeriesStore store = TimeSeriesStore.open(dir.resolve("db"), StorageOptions.defaults())) {
            writeThreeHours(store, schema);
            List<SealedPartition> sealed = new PartitionSealer(store, catalog, tier, HOUR, 0).sealDue(BASE + 3 * HOUR);
            assertEquals(3, sealed.size());
            double[] sums = new double[3];
            for (int p = 0; p < 3; p++) {
                sums[p] = temperatureSum(new SegmentTier(dir.resolve("segments")).segment(sealed.get(p)));
            }
            // every partition is years old; the first was read a moment ago, so it is still hot and stays warm
            tier.segment(sealed.get(0));
            TierMover mover = new TierMover(store, tier, () -> List.of("readings"), stream -> HOUR, 20 * 60_000L);
            List<SealedPartition> moved = mover.moveDue(System.currentTimeMillis());
            assertEquals(List.of(sealed.get(1), sealed.get(2)), moved);
            assertEquals(SegmentTier.Location.WARM, tier.location(sealed.get(0)));
            assertEquals(SegmentTier.Location.COLD, tier.location(sealed.get(1)));
            assertTrue(java.nio.file.Files.notExists(dir.resolve("segments/readings").resolve(sealed.get(1).file())), "moved off the local disk");

            assertEquals(sums[1], temperatureSum(tier.segment(sealed.get(1))), "read through the cache");
            assertEquals(SegmentTier.Location.COLD_CACHED, tier.location(sealed.get(1)));
            tier.segment(sealed.get(1));
            assertEquals(1, tier.coldFetches(), "a second read is served by the cached copy");

            // two of five disks lost: a fresh node (empty cache) still reads the cold partition exactly
            for (int i : new int[] {0, 3}) {
                try (var shards = java.nio.file.Files.list(shardDirs.get(i))) {
                    for (Path shard : shards.toList()) {
                        java.nio.file.Files.delete(shard);
                    }
                }
            }
            SegmentTier fresh = new SegmentTier(dir.resolve("segments"), 0, new io.platform.storage.cold.ErasureCodedStore(shardDirs, 3, 2),
                    dir.resolve("other-cache"), 1 << 20);
            assertEquals(sums[2], temperatureSum(fresh.segment(sealed.get(2))));
            assertEquals(sums[1], temperatureSum(fresh.segment(sealed.get(1))));
        }
    }

    @Test
    void aPartitionIsSealedStreamingBlockByBlockNotHeldWhole() throws Exception {
        catalog.apply(schema);
        SegmentTier tier = new SegmentTier(dir.resolve("segments"));
        try (TimeSeriesStore store = TimeSeriesStore.open(dir.resolve("db"), StorageOptions.defaults())) {
            // 3 x 4,096 + 5 rows in one hour: three full blocks and a partial one
            int rows = 3 * PartitionSealer.BLOCK_ROWS + 5;
            try (StoreBatch batch = store.newBatch()) {
                for (int i = 0; i < rows; i++) {
                    batch.putRaw("readings", "d" + (i % 7), BASE + i * 100L, 0, i, Readings.encode("d" + (i % 7), BASE + i * 100L, i, 0.5));
                }
                store.commit(batch);
            }
            SealedPartition sealed = new PartitionSealer(store, catalog, tier, HOUR, 0).seal("readings", BASE);
            assertEquals(rows, sealed.rows());
            io.platform.storage.columnar.ColumnarSegment segment = tier.segment(sealed);
            assertEquals(4, segment.blockCount());
            assertEquals(rows * 0.5, temperatureSum(segment));
            try (var files = java.nio.file.Files.list(dir.resolve("segments/readings"))) {
                assertEquals(List.of(sealed.file()), files.map(f -> f.getFileName().toString()).toList(), "no temporary file left");
            }
        }
    }

    @Test
    void aStreamIsLookedAtAgainOnlyWhenAPartitionBecomesDueOrOldRowsAreCommitted() {
        catalog.apply(schema);
        try (TimeSeriesStore store = TimeSeriesStore.open(dir.resolve("db"), StorageOptions.defaults())) {
            PartitionSealer sealer = new PartitionSealer(store, catalog, new SegmentTier(dir.resolve("segments")), HOUR, 0);
            assertTrue(sealer.sealDue(BASE + 5 * HOUR).isEmpty(), "no rows yet");
            writeThreeHours(store, schema);
            store.takeOldestRawCommitted(); // as if a look had already taken that news
            assertTrue(sealer.sealDue(BASE + 5 * HOUR + 30_000).isEmpty(), "looked at for this boundary, nothing new: no seeks");
            // one more row for an old hour: noticed from the commit, without waiting for the next boundary
            try (StoreBatch late = store.newBatch()) {
                late.putRaw("readings", "d3", BASE + 7, 0, 9999, Readings.encode("d3", BASE + 7, 9999, 1.0));
                store.commit(late);
            }
            assertEquals(3, sealer.sealDue(BASE + 5 * HOUR + 60_000).size());
        }
    }

    @Test
    void emptyHoursBetweenRowsDecadesApartCostNothing() {
        catalog.apply(schema);
        try (TimeSeriesStore store = TimeSeriesStore.open(dir.resolve("db"), StorageOptions.defaults()); StoreBatch batch = store.newBatch()) {
            // one row in 1970 and one in 2023: 470,000 empty hours between them
            batch.putRaw("readings", "d1", 5, 0, 1, Readings.encode("d1", 5, 1, 1.0));
            batch.putRaw("readings", "d2", BASE + 5, 0, 2, Readings.encode("d2", BASE + 5, 2, 2.0));
            store.commit(batch);
            PartitionSealer sealer = new PartitionSealer(store, catalog, new SegmentTier(dir.resolve("segments")), HOUR, 0);
            List<SealedPartition> sealed = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                    () -> sealer.sealDue(BASE + 2 * HOUR));
            assertEquals(List.of(0L, BASE), sealed.stream().map(SealedPartition::fromMs).toList());
        }
    }
}
