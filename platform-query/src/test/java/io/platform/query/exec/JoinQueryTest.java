package io.platform.query.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.query.WireEvents;
import io.platform.query.sql.SqlException;
import io.platform.storage.StorageOptions;
import io.platform.storage.StoreBatch;
import io.platform.storage.TimeSeriesStore;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Joins of two streams over a real RocksDB store: 100 readings of devices d0..d3, and a small devices stream that
 * places d0 and d1 in the lab, d2 on the roof, and a d9 that sent nothing; d3 has no entry.
 */
class JoinQueryTest {
    private static final Schema READING = io.platform.query.WireEvents.READINGS;
    private static final Schema DEVICE = new Schema.Parser().parse("""
            {"type":"record","name":"D","fields":[{"name":"device","type":"string"},{"name":"ts","type":"long"},
             {"name":"location","type":"string"},{"name":"floor","type":"long"}]}""");
    private static final int DEVICE_SCHEMA_ID = 101;

    @TempDir
    Path dir;
    private TimeSeriesStore store;
    private SchemaCatalog catalog;
    private QueryEngine engine;

    @BeforeEach
    void load() throws Exception {
        store = TimeSeriesStore.open(dir, StorageOptions.defaults());
        catalog = CatalogFixture.withSchema(StreamSchema.define("readings", 1, WireEvents.SCHEMA_ID, READING, null, null));
        catalog.apply(StreamSchema.define("devices", 1, DEVICE_SCHEMA_ID, DEVICE, null, List.of("device")));
        engine = new QueryEngine(store, catalog, "10s", new QueryLimits(10_000, 1000));
        try (StoreBatch batch = store.newBatch()) {
            for (int i = 0; i < 100; i++) {
                String device = "d" + (i % 4);
                batch.putRaw("readings", device, i * 1000L, 0, i, WireEvents.encode(READING, device, i * 1000L, (double) i));
            }
            putDevice(batch, "d0", "lab", 1);
            putDevice(batch, "d1", "lab", 1);
            putDevice(batch, "d2", "roof", 3);
            putDevice(batch, "d9", "cellar", -1);
            store.commit(batch);
        }
    }

    private static void putDevice(StoreBatch batch, String device, String location, long floor) throws Exception {
        batch.putRaw("devices", device, 0L, 0, device.hashCode(), WireEvents.encodeWithId(DEVICE_SCHEMA_ID, DEVICE, device, 0L, location, floor));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<String> rows(String sql) throws Exception {
        return EngineRows.of(engine, sql);
    }

    @Test
    void innerJoinKeepsMatchingRowsAndAggregatesOverBothTables() throws Exception {
        // lab: d0 (0, 4, ..., 96: avg 48) and d1 (1, 5, ..., 97: avg 49); roof: d2 (avg 50); d3 has no device, d9 no readings
        assertEquals(List.of("[lab, 50, 48.5]", "[roof, 25, 50.0]"),
                rows("SELECT d.location, count(*) AS n, avg(r.temperature) AS t FROM readings r JOIN devices d ON r.device = d.device "
                        + "GROUP BY d.location ORDER BY d.location"));
        assertEquals(List.of("[50]"), rows("SELECT count(*) FROM readings AS r INNER JOIN devices AS d ON d.device = r.device WHERE location = 'lab'"),
                "ON in either order, AS and INNER optional, an unqualified column that one side has");
    }

    @Test
    void leftJoinKeepsEveryLeftRowWithNullsWhereNothingMatches() throws Exception {
        assertEquals(List.of("[d0, lab]", "[d1, lab]", "[d2, roof]", "[d3, null]"),
                rows("SELECT r.device, d.location FROM readings r LEFT JOIN devices d ON r.device = d.device WHERE r.ts < 4000 ORDER BY r.device"));
    }

    @Test
    void joinsNumbersByValueAcrossTypes() throws Exception {
        // temperature 1.0 meets the two devices on floor 1, 3.0 the one on floor 3
        assertEquals(List.of("[3]"), rows("SELECT count(*) FROM readings r JOIN devices d ON r.temperature = d.floor"));
    }

    @Test
    void theSmallerTableBuildsTheHashTableWhicheverSideItIsWrittenOn() throws Exception {
        String devicesRight = engine.prepare("SELECT count(*) FROM readings r JOIN devices d ON r.device = d.device").plan();
        String devicesLeft = engine.prepare("SELECT count(*) FROM devices d JOIN readings r ON r.device = d.device").plan();
        assertTrue(devicesRight.matches("hash-join inner on r.device = d.device build=d est_rows=\\d+ probe=r est_rows=\\d+; scan table=readings.*"), devicesRight);
        assertTrue(devicesLeft.matches("hash-join inner on d.device = r.device build=d est_rows=\\d+ probe=r est_rows=\\d+; scan table=devices.*"), devicesLeft);
        assertEquals(rows("SELECT count(*) FROM readings r JOIN devices d ON r.device = d.device"),
                rows("SELECT count(*) FROM devices d JOIN readings r ON r.device = d.device"));
        assertTrue(engine.prepare("SELECT count(*) FROM devices d LEFT JOIN readings r ON r.device = d.device").plan().contains("build=r"),
                "a LEFT JOIN builds its right side, whatever its size");
        assertEquals(List.of("[76]"), rows("SELECT count(*) FROM devices d LEFT JOIN readings r ON r.device = d.device"),
                "75 readings of known devices and d9 once, with nulls");
    }

    @Test
    void pushesTheTimeRangeAndSeriesIntoTheLeftTable() throws Exception {
        String plan = engine.prepare("SELECT r.ts, d.location FROM readings r JOIN devices d ON r.device = d.device "
                + "WHERE r.device = 'd2' AND r.ts >= 10000 AND r.ts < 20000").plan();
        assertTrue(plan.contains("series=d2 (one seek) time=[10000,20000)"), plan);
        assertEquals(List.of("[10000, roof]", "[14000, roof]", "[18000, roof]"),
                rows("SELECT r.ts, d.location FROM readings r JOIN devices d ON r.device = d.device WHERE r.device = 'd2' AND r.ts >= 10000 AND r.ts < 20000"));
    }

    @Test
    void selectStarOfAJoinNamesColumnsByTable() throws Exception {
        List<String> names = engine.prepare("SELECT * FROM readings r JOIN devices d ON r.device = d.device").columnNames();
        assertEquals(List.of("r.device", "r.ts", "r.temperature", "d.device", "d.ts", "d.location", "d.floor"), names);
    }

    @Test
    void refusesWhatItCannotAnswerWithTheReasonAndWhere() {
        SqlException ambiguous = assertThrows(SqlException.class,
                () -> engine.prepare("SELECT device FROM readings r JOIN devices d ON r.device = d.device"));
        assertTrue(ambiguous.getMessage().contains("write r.device or d.device"), ambiguous.getMessage());
        assertEquals(8, ambiguous.position());
        SqlException sameSide = assertThrows(SqlException.class,
                () -> engine.prepare("SELECT count(*) FROM readings r JOIN devices d ON r.device = r.device"));
        assertTrue(sameSide.getMessage().contains("both of 'r.device = r.device' are of r"), sameSide.getMessage());
        SqlException unknownAlias = assertThrows(SqlException.class,
                () -> engine.prepare("SELECT count(*) FROM readings r JOIN devices d ON x.device = d.device"));
        assertTrue(unknownAlias.getMessage().contains("unknown table 'x'"), unknownAlias.getMessage());
        SqlException right = assertThrows(SqlException.class,
                () -> engine.prepare("SELECT count(*) FROM readings r RIGHT JOIN devices d ON r.device = d.device"));
        assertTrue(right.getMessage().contains("RIGHT JOIN is not supported"), right.getMessage());
        SqlException selfJoin = assertThrows(SqlException.class,
                () -> engine.prepare("SELECT count(*) FROM readings JOIN readings ON readings.device = readings.device"));
        assertTrue(selfJoin.getMessage().contains("give one an alias"), selfJoin.getMessage());
    }

    @Test
    void aBuildSideOverTheMemoryLimitStopsTheQueryWithAnError() {
        QueryEngine tight = new QueryEngine(store, catalog, "10s", new QueryLimits(10_000, 3));
        SqlException e = assertThrows(SqlException.class,
                () -> EngineRows.of(tight, "SELECT count(*) FROM readings r JOIN devices d ON r.device = d.device"));
        assertTrue(e.getMessage().contains("the join needs more than 3 rows of devices in memory"), e.getMessage());
    }

    @Test
    void aCachedJoinIsRecomputedWhenEitherStreamChanges() throws Exception {
        ResultCache cache = new ResultCache(10, 100);
        QueryEngine cached = new QueryEngine(store, catalog, "10s", new QueryLimits(10_000, 1000), cache);
        String sql = "SELECT d.location, count(*) AS n FROM readings r JOIN devices d ON r.device = d.device GROUP BY d.location ORDER BY d.location";
        assertEquals(List.of("[lab, 50]", "[roof, 25]"), EngineRows.of(cached, sql));
        try (StoreBatch batch = store.newBatch()) {
            putDevice(batch, "d3", "roof", 3);
            store.commit(batch);
        }
        cache.invalidate("devices");
        assertEquals(List.of("[lab, 50]", "[roof, 50]"), EngineRows.of(cached, sql), "a new row on the joined (right) side is seen");
    }

    @Test
    void aSingleTableMayBeQualifiedByItsAlias() throws Exception {
        assertEquals(rows("SELECT device, ts FROM readings WHERE device = 'd1' LIMIT 2"),
                rows("SELECT r.device, r.ts FROM readings r WHERE r.device = 'd1' LIMIT 2"));
        assertTrue(engine.prepare("SELECT r.ts FROM readings r WHERE r.device = 'd1'").plan().contains("series=d1 (one seek)"));
    }
}
