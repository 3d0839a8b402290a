package io.platform.query.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.storage.StorageOptions;
import io.platform.storage.StoreBatch;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.tiering.PartitionSealer;
import io.platform.storage.tiering.SegmentTier;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same queries before and after the older partitions are sealed into column segments: sealing changes how a query
 * runs (column blocks, vectorized) but never its answer. Temperatures are multiples of 0.5, so sums are exact in any
 * order and the answers compare as text.
 */
class SealedPartitionQueryTest {
    private static final long HOUR = 3_600_000L;
    private static final long BASE = 1_700_000_000_000L / HOUR * HOUR;
    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"R","fields":[{"name":"device","type":"string"},{"name":"ts","type":"long"},
             {"name":"n","type":"int"},{"name":"temperature","type":"double"}]}""");
    private static final List<String> QUERIES = List.of(
            "SELECT count(*), sum(temperature), min(temperature), max(temperature), avg(temperature), sum(n), min(n), max(n) FROM readings",
            "SELECT count(*), sum(temperature), avg(n) FROM readings WHERE temperature > 10 AND ts >= " + (BASE + 1800_000) + " AND ts < " + (BASE + 2 * HOUR + 60_000),
            "SELECT device, time_bucket('1h', ts) AS h, count(*) AS c, avg(temperature) AS t, max(n) AS m FROM readings GROUP BY device, time_bucket('1h', ts) ORDER BY device, h",
            "SELECT time_bucket('30m', ts) AS b, sum(temperature) AS s FROM readings WHERE device != 'd0' AND n <= 20000 GROUP BY time_bucket('30m', ts) ORDER BY b",
            "SELECT device, ts, temperature FROM readings ORDER BY temperature DESC, ts LIMIT 5",
            "SELECT device, ts, n FROM readings ORDER BY n LIMIT 3",
            // ties on the only key: which row wins may differ with scan order, the values may not
            "SELECT temperature FROM readings ORDER BY temperature DESC LIMIT 7",
            "SELECT temperature FROM readings WHERE device = 'd3' ORDER BY temperature LIMIT 4",
            "SELECT * FROM readings WHERE device = 'd2' AND ts = " + (BASE + 1234_000),
            "SELECT device, ts FROM readings WHERE device = 'd1' AND ts > " + (BASE + HOUR - 3000) + " LIMIT 4",
            "SELECT min(device), max(device), count(device) FROM readings",
            "SELECT sum(time_bucket('1h', ts)) AS s FROM readings",
            "SELECT device, count(*) AS c FROM readings WHERE temperature = 12.5 GROUP BY device ORDER BY c DESC, device",
            "SELECT count(*) FROM readings WHERE device = 'nobody'",
            // joins read both sides whole, sealed blocks turned into rows; devices is sealed too
            "SELECT d.location, count(*) AS c, sum(r.temperature) AS s FROM readings r JOIN devices d ON r.device = d.device GROUP BY d.location ORDER BY d.location",
            "SELECT r.device, d.location, count(*) AS c FROM readings r LEFT JOIN devices d ON r.device = d.device WHERE r.temperature > 20 GROUP BY r.device, d.location ORDER BY r.device",
            "SELECT r.ts, d.location FROM devices d JOIN readings r ON r.device = d.device WHERE r.device = 'd1' AND r.ts >= " + (BASE + HOUR - 2000) + " AND r.ts < " + (BASE + HOUR + 2000));
    private static final Schema DEVICE = new Schema.Parser().parse("""
            {"type":"record","name":"D","fields":[{"name":"device","type":"string"},{"name":"ts","type":"long"},{"name":"location","type":"string"}]}""");

    @TempDir
    Path dir;
    private TimeSeriesStore store;
    private SchemaCatalog catalog;
    private SegmentTier tier;
    private QueryEngine engine;

    @BeforeEach
    void load() throws Exception {
        store = TimeSeriesStore.open(dir.resolve("db"), StorageOptions.defaults());
        StreamSchema schema = StreamSchema.define("readings", 1, 100, SCHEMA, "ts", List.of("device"));
        catalog = CatalogFixture.withSchema(schema);
        catalog.apply(StreamSchema.define("devices", 1, 101, DEVICE, "ts", List.of("device")));
        tier = new SegmentTier(dir.resolve("segments"));
        engine = new QueryEngine(store, tier, catalog, "10s", new QueryLimits(30_000, 100_000), null);
        // three hours, one row per second for each of four devices: 43,200 rows
        try (StoreBatch batch = store.newBatch()) {
            int offset = 0;
            for (long t = BASE; t < BASE + 3 * HOUR; t += 1000) {
                for (int d = 0; d < 4; d++) {
                    batch.putRaw("readings", "d" + d, t, 0, offset, encode("d" + d, t, offset, (offset * 7 % 61) * 0.5));
                    offset++;
                }
                if (batch.rawCount() >= 5000) {
                    store.commit(batch);
                    batch.clear();
                }
            }
            store.commit(batch);
            batch.clear();
            // d0 and d1 in the lab, d2 on the roof, d3 unknown: in the first hour, so they are sealed with it
            String[] locations = {"lab", "lab", "roof"};
            for (int d = 0; d < locations.length; d++) {
                batch.putRaw("devices", "d" + d, BASE + d, 0, d,
                        io.platform.query.WireEvents.encodeWithId(101, DEVICE, "d" + d, BASE + d, locations[d]));
            }
            store.commit(batch);
        }
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] encode(String device, long ts, int n, double temperature) throws Exception {
        return io.platform.query.WireEvents.encode(SCHEMA, device, ts, n, temperature);
    }

    private Map<String, List<String>> answers() throws Exception {
        Map<String, List<String>> answers = new LinkedHashMap<>();
        for (String sql : QUERIES) {
            answers.put(sql, rows(sql));
        }
        return answers;
    }

    private List<String> rows(String sql) throws Exception {
        return EngineRows.of(engine, sql);
    }

    @Test
    void everyQueryAnswersTheSameWhetherItsRowsAreSealedOrNot() throws Exception {
        Map<String, List<String>> fromRows = answers();
        assertEquals(3, new PartitionSealer(store, catalog, tier, HOUR, 0).sealDue(BASE + 2 * HOUR).size(), "two hours of readings, one of devices");
        assertTrue(engine.prepare(QUERIES.get(0)).plan().contains("sealed=2 partitions (column blocks, vectorized) + recent rows"),
                engine.prepare(QUERIES.get(0)).plan());
        Map<String, List<String>> fromSegments = answers();
        for (String sql : QUERIES) {
            assertEquals(fromRows.get(sql), fromSegments.get(sql), sql);
        }
        assertEquals("[[43200]]", fromSegments.get(QUERIES.get(0)).toString().replaceAll(", [^\\]]*\\]", "]"), "every row counted once");
        List<String> byLocation = fromSegments.get(QUERIES.get(14));
        assertTrue(byLocation.size() == 2 && byLocation.get(0).startsWith("[lab, 21600, ") && byLocation.get(1).startsWith("[roof, 10800, "),
                "the join matched every reading of a known device once: " + byLocation);
    }

    @Test
    void vectorizedFiltersCompareNaNAndSignedZerosAsTheRowPathDoes() throws Exception {
        catalog.apply(StreamSchema.define("odd", 1, 102, SCHEMA, "ts", List.of("device")));
        double[] values = {Double.NaN, 0.0, -0.0, 1.5, -2, 7, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        try (StoreBatch batch = store.newBatch()) {
            for (int i = 0; i < 400; i++) {
                long t = BASE + i * 1000L;
                batch.putRaw("odd", "d" + (i % 3), t, 0, i, io.platform.query.WireEvents.encodeWithId(102, SCHEMA, "d" + (i % 3), t, i, values[i % values.length]));
            }
            store.commit(batch);
        }
        List<String> queries = new java.util.ArrayList<>();
        for (String op : List.of(">", ">=", "<", "<=", "=", "!=")) {
            for (String bound : List.of("0", "1.5", "-2", "3")) {
                queries.add("SELECT count(*), sum(n) FROM odd WHERE temperature " + op + " " + bound);
            }
        }
        Map<String, List<String>> fromRows = new LinkedHashMap<>();
        for (String sql : queries) {
            fromRows.put(sql, rows(sql));
        }
        new PartitionSealer(store, catalog, tier, HOUR, 0).sealDue(BASE + 2 * HOUR);
        assertTrue(engine.prepare(queries.get(0)).plan().contains("sealed=1 partition"), engine.prepare(queries.get(0)).plan());
        for (String sql : queries) {
            assertEquals(fromRows.get(sql), rows(sql), sql);
        }
        assertEquals(List.of("[200, 39900]"), fromRows.get("SELECT count(*), sum(n) FROM odd WHERE temperature > 0"), "NaN, 1.5, 7 and +inf");
    }

    @Test
    void aLateRowForASealedHourIsCountedOnceNextToTheSegment() throws Exception {
        new PartitionSealer(store, catalog, tier, HOUR, 0).sealDue(BASE + 2 * HOUR);
        try (StoreBatch late = store.newBatch()) {
            late.putRaw("readings", "d9", BASE + 10, 0, 99_999, encode("d9", BASE + 10, 1, 1.5));
            store.commit(late);
        }
        assertEquals(List.of("[43201]"), rows("SELECT count(*) FROM readings"));
        assertEquals(List.of("[d9, 1, 1.5]"), rows("SELECT device, count(*), sum(temperature) FROM readings WHERE device = 'd9' GROUP BY device"));
    }

    @Test
    void explainAnalyzeReportsBlocksSkippedBySeriesAndStatistics() throws Exception {
        new PartitionSealer(store, catalog, tier, HOUR, 0).sealDue(BASE + 2 * HOUR);
        // d2's rows of an hour are 3,600 of the partition's 14,400, ordered by series: one or two of four blocks
        List<String> analyzed = rows("EXPLAIN ANALYZE SELECT count(*) FROM readings WHERE device = 'd2' AND ts < " + (BASE + 2 * HOUR));
        String[] fields = analyzed.get(0).replaceAll("^\\[|\\]$", "").split(", ");
        int n = fields.length;
        long blocksRead = Long.parseLong(fields[n - 4]);
        long blocksSkipped = Long.parseLong(fields[n - 3]);
        assertTrue(blocksRead >= 2 && blocksRead <= 4 && blocksSkipped >= 4, analyzed.get(0));
        // estimated from block statistics (the blocks holding d2) plus RocksDB's estimate for the rows the seal removed
        // (still in files until compaction): at least what the scan read, at most twice that
        long estimated = Long.parseLong(fields[n - 9]);
        long scanned = Long.parseLong(fields[n - 8]);
        assertTrue(estimated >= scanned && estimated <= 2 * scanned, "estimated " + estimated + ", scanned " + scanned + ": " + analyzed.get(0));
        assertEquals(List.of("[7200]"), rows("SELECT count(*) FROM readings WHERE device = 'd2' AND ts < " + (BASE + 2 * HOUR)));
        // no block of any partition holds a temperature above 30: all are skipped by their max, none decoded
        analyzed = rows("EXPLAIN ANALYZE SELECT count(*) FROM readings WHERE temperature > 30 AND ts < " + (BASE + 2 * HOUR));
        fields = analyzed.get(0).replaceAll("^\\[|\\]$", "").split(", ");
        assertEquals("0", fields[fields.length - 4], analyzed.get(0));
        assertEquals("0", fields[fields.length - 2], "bytes read: " + analyzed.get(0));
    }

    @Test
    void answersStayTheSameWhenSealedPartitionsMoveToTheColdTier() throws Exception {
        Map<String, List<String>> fromRows = answers();
        List<Path> disks = List.of(dir.resolve("cold0"), dir.resolve("cold1"), dir.resolve("cold2"));
        SegmentTier withCold = new SegmentTier(dir.resolve("segments"), 1 << 20, new io.platform.storage.cold.ErasureCodedStore(disks, 2, 1),
                dir.resolve("cache"), 1 << 20);
        engine = new QueryEngine(store, withCold, catalog, "10s", new QueryLimits(30_000, 100_000), null);
        List<io.platform.storage.SealedPartition> sealed = new PartitionSealer(store, catalog, withCold, HOUR, 0).sealDue(BASE + 2 * HOUR);
        assertEquals(3, new io.platform.storage.tiering.TierMover(store, withCold, () -> List.of("readings", "devices"), stream -> HOUR, 0)
                .moveDue(System.currentTimeMillis()).size());
        assertEquals(SegmentTier.Location.COLD, withCold.location(sealed.get(0)));
        for (String sql : QUERIES) {
            assertEquals(fromRows.get(sql), rows(sql), sql);
        }
        assertEquals(SegmentTier.Location.COLD_CACHED, withCold.location(sealed.get(0)), "read through the local cache");
    }
}
