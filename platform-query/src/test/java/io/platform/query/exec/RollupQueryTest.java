package io.platform.query.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.query.sql.SqlException;
import io.platform.storage.StorageOptions;
import io.platform.storage.StoreBatch;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.rollup.Rollups;
import io.platform.storage.tiering.PartitionSealer;
import io.platform.storage.tiering.SegmentTier;
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
 * A rollup (a materialized view storage keeps in the same write as the rows) answers the queries it can answer
 * exactly in place of the rows, chosen by the planner without the query naming it, and gives what the rows give:
 * sealed rows, recent rows and late rows alike. Temperatures are multiples of 0.5, so sums are exact in any order.
 */
class RollupQueryTest {
    private static final long HOUR = 3_600_000L;
    private static final long BASE = 1_700_000_000_000L / HOUR * HOUR;
    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"R","fields":[{"name":"device","type":"string"},{"name":"ts","type":"long"},
             {"name":"n","type":"int"},{"name":"temperature","type":"double"}]}""");
    private static final String DEFINITION = "SELECT device, time_bucket('1m', ts) AS minute, count(*) AS c, sum(temperature) AS s,"
            + " min(n) AS lowest, max(temperature) AS hottest, avg(temperature) AS mean FROM readings GROUP BY device, time_bucket('1m', ts)";
    private static final List<String> ANSWERED = List.of(
            "SELECT count(*), sum(temperature), min(temperature), max(temperature), avg(temperature), sum(n), min(n), max(n), count(n) FROM readings",
            "SELECT device, time_bucket('1h', ts) AS h, count(*) AS c, avg(temperature) AS t, max(n) AS m FROM readings GROUP BY device, time_bucket('1h', ts) ORDER BY device, h",
            "SELECT time_bucket('5m', ts) AS b, sum(temperature) AS s, count(n) FROM readings WHERE device != 'd0' AND ts >= " + (BASE + HOUR)
                    + " AND ts < " + (BASE + 2 * HOUR) + " GROUP BY time_bucket('5m', ts) ORDER BY b",
            "SELECT device, count(*) AS c, min(temperature) FROM readings WHERE device = 'd2' GROUP BY device",
            "SELECT r.device, max(r.temperature) AS hottest FROM readings r GROUP BY r.device ORDER BY hottest DESC, device LIMIT 2",
            "SELECT count(*) FROM readings WHERE ts > " + (BASE + 60_000 - 1) + " AND ts <= " + (BASE + 2 * HOUR - 1));
    private static final List<String> NOT_ANSWERED = List.of(
            "SELECT count(*) FROM readings WHERE temperature > 10",
            "SELECT count(*) FROM readings WHERE ts >= " + (BASE + 30_000),
            "SELECT time_bucket('90s', ts) AS b, count(*) FROM readings GROUP BY time_bucket('90s', ts) ORDER BY b LIMIT 3",
            "SELECT device, ts FROM readings WHERE device = 'd1' LIMIT 2",
            "SELECT sum(ts) FROM readings",
            "SELECT ts, count(*) FROM readings GROUP BY ts ORDER BY ts LIMIT 2");

    @TempDir
    Path dir;
    private TimeSeriesStore store;
    private SchemaCatalog catalog;
    private SegmentTier tier;
    private Rollups rollups;
    private QueryEngine rowsOnly;
    private QueryEngine engine;
    private int offset;

    @BeforeEach
    void load() {
        store = TimeSeriesStore.open(dir.resolve("db"), StorageOptions.defaults());
        catalog = CatalogFixture.withSchema(StreamSchema.define("readings", 1, 100, SCHEMA, "ts", List.of("device")));
        tier = new SegmentTier(dir.resolve("segments"));
        rollups = Rollups.open(store, tier, catalog);
        rowsOnly = new QueryEngine(store, tier, catalog, "10s", new QueryLimits(30_000, 100_000), null);
        engine = new QueryEngine(store, tier, catalog, "10s", new QueryLimits(30_000, 100_000), null).withRollups(rollups);
        // three hours, one row per second for each of four devices: 43,200 rows; the first two hours sealed
        write(BASE, BASE + 3 * HOUR, 1000);
        assertEquals(2, new PartitionSealer(store, catalog, tier, HOUR, 0).sealDue(BASE + 2 * HOUR).size());
    }

    @AfterEach
    void close() {
        rollups.close();
        store.close();
    }

    private void write(long fromMs, long toMs, long stepMs) {
        try (StoreBatch batch = store.newBatch()) {
            for (long t = fromMs; t < toMs; t += stepMs) {
                for (int d = 0; d < 4; d++) {
                    batch.putRaw("readings", "d" + d, t, 0, offset, io.platform.query.WireEvents.encode(SCHEMA, "d" + d, t, offset, (offset * 7 % 61) * 0.5));
                    offset++;
                }
                if (batch.rawCount() >= 5000) {
                    store.commit(batch);
                    batch.clear();
                }
            }
            store.commit(batch);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void createRollup() throws Exception {
        String created = engine.createRollup("readings_1m", DEFINITION);
        assertTrue(created.contains("\"bucket_ms\":60000") && created.contains("\"fields\":\"temperature,n\""), created);
        assertTrue(rollups.awaitReady("readings_1m", 60_000), rollups.state("readings_1m"));
    }

    private void assertAnsweredFromTheRollupAsFromTheRows() throws Exception {
        for (String sql : ANSWERED) {
            assertTrue(engine.prepare(sql).plan().startsWith("rollup=readings_1m bucket_ms=60000"), sql + " -> " + engine.prepare(sql).plan());
            assertEquals(EngineRows.of(rowsOnly, sql), EngineRows.of(engine, sql), sql);
        }
    }

    @Test
    void thePlannerAnswersFromTheRollupWhatItCanAndGetsWhatTheRowsGive() throws Exception {
        createRollup();
        assertAnsweredFromTheRollupAsFromTheRows();
        assertEquals(List.of("[43200]"), EngineRows.of(engine, "SELECT count(*) FROM readings"));
        // new rows, and late ones into sealed and recent hours that a windowed job would have dropped
        write(BASE + 3 * HOUR, BASE + 3 * HOUR + 10 * 60_000, 1000);
        write(BASE + 500, BASE + 90 * 60_000 + 500, 60_000);
        write(BASE + 2 * HOUR + 700, BASE + 2 * HOUR + 700 + 10_000, 1000);
        assertAnsweredFromTheRollupAsFromTheRows();
        assertEquals(List.of("[46000]"), EngineRows.of(engine, "SELECT count(*) FROM readings"));
    }

    @Test
    void queriesTheRollupCannotAnswerExactlyReadTheRows() throws Exception {
        createRollup();
        for (String sql : NOT_ANSWERED) {
            assertFalse(engine.prepare(sql).plan().contains("rollup="), sql + " -> " + engine.prepare(sql).plan());
            assertEquals(EngineRows.of(rowsOnly, sql), EngineRows.of(engine, sql), sql);
        }
    }

    @Test
    void theViewIsQueryableByNameWithTheColumnsItsDefinitionSelects() throws Exception {
        createRollup();
        String byName = "SELECT * FROM readings_1m WHERE device = 'd1' AND minute >= " + (BASE + HOUR) + " ORDER BY minute LIMIT 3";
        String fromRows = DEFINITION.replace("FROM readings", "FROM readings WHERE device = 'd1' AND ts >= " + (BASE + HOUR))
                + " ORDER BY minute LIMIT 3";
        assertEquals(EngineRows.of(rowsOnly, fromRows), EngineRows.of(engine, byName));
        assertEquals(3, EngineRows.of(engine, byName).size());
        assertEquals(List.of("[720]"), EngineRows.of(engine, "SELECT count(*) FROM readings_1m"), "4 devices x 180 minutes");
        assertTrue(engine.tables().get("readings_1m"), "listed as a view");
        assertTrue(engine.dropRollup("readings_1m"));
        SqlException gone = assertThrows(SqlException.class, () -> engine.prepare("SELECT * FROM readings_1m"));
        assertTrue(gone.getMessage().contains("unknown table 'readings_1m'"), gone.getMessage());
        assertFalse(engine.prepare(ANSWERED.get(0)).plan().contains("rollup="), "a dropped rollup answers nothing");
    }

    @Test
    void aQueryThatIsNotARollupIsRefusedWithWhatToChange() {
        assertRefused("SELECT device, time_bucket('1m', ts), count(*) FROM readings WHERE n > 3 GROUP BY device, time_bucket('1m', ts)", "drop the WHERE");
        assertRefused("SELECT time_bucket('1m', ts), count(*) FROM readings GROUP BY time_bucket('1m', ts)", "GROUP BY every series key column of readings [device]");
        assertRefused("SELECT device, count(*) FROM readings GROUP BY device", "one time_bucket(width, ts)");
        assertRefused("SELECT device, time_bucket('1m', ts), max(device) FROM readings GROUP BY device, time_bucket('1m', ts)", "numeric field [n, temperature]");
        assertRefused("SELECT device, time_bucket('1m', ts), count(*) FROM nothing GROUP BY device, time_bucket('1m', ts)", "unknown stream 'nothing'");
        assertRefused("SELECT device, ts, count(*) FROM readings GROUP BY device, time_bucket('1m', ts)", "'ts' must be a series key column");
        SqlException taken = assertThrows(SqlException.class, () -> engine.createRollup("readings_10s", DEFINITION));
        assertTrue(taken.getMessage().contains("names a stream or view already"), "the stream's window aggregates keep their name: " + taken.getMessage());
    }

    private void assertRefused(String select, String reason) {
        SqlException refused = assertThrows(SqlException.class, () -> engine.createRollup("v", select));
        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
        assertTrue(rollups.definitions().isEmpty());
    }
}
