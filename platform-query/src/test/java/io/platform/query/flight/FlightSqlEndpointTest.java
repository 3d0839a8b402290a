package io.platform.query.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.query.WireEvents;
import io.platform.query.exec.AdmissionControl;
import io.platform.query.exec.QueryEngine;
import io.platform.query.exec.QueryLimits;
import io.platform.storage.StorageOptions;
import io.platform.storage.StoreBatch;
import io.platform.storage.TimeSeriesStore;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query service as a JDBC client sees it through Arrow's Flight SQL driver: typed columns, rows in Arrow batches,
 * the engine's errors with their reason, prepared statements that see new data when executed again.
 */
class FlightSqlEndpointTest {
    private static final Schema SCHEMA = io.platform.query.WireEvents.READINGS;
    @TempDir
    Path dir;
    private TimeSeriesStore store;
    private QueryEngine engine;
    private FlightSqlEndpoint endpoint;
    private Connection jdbc;

    @BeforeEach
    void start() throws Exception {
        store = TimeSeriesStore.open(dir, StorageOptions.defaults());
        SchemaCatalog catalog = SchemaCatalog.detached();
        catalog.apply(StreamSchema.define("readings", 1, WireEvents.SCHEMA_ID, SCHEMA, null, null));
        // 10,000 rows: more than two Arrow batches
        try (StoreBatch batch = store.newBatch()) {
            for (int i = 0; i < 10_000; i++) {
                String device = "d" + (i % 4);
                batch.putRaw("readings", device, i * 1000L, 0, i, WireEvents.encode(SCHEMA, device, i * 1000L, i / 2.0));
            }
            store.commit(batch);
        }
        engine = new QueryEngine(store, catalog, "10s", new QueryLimits(10_000, 20_000));
        endpoint = FlightSqlEndpoint.start(engine, new AdmissionControl(2, 4, 5_000), 20_000, "127.0.0.1", 0);
        jdbc = connect(endpoint);
    }

    private static Connection connect(FlightSqlEndpoint endpoint) throws SQLException {
        return DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + endpoint.port() + "/?useEncryption=false");
    }

    @AfterEach
    void stop() throws Exception {
        jdbc.close();
        endpoint.close();
        store.close();
    }

    @Test
    void aJdbcClientGetsTypedColumnsAndEveryRow() throws Exception {
        try (Statement statement = jdbc.createStatement();
             ResultSet rows = statement.executeQuery("SELECT device, count(*) AS n, avg(temperature) AS t FROM readings GROUP BY device ORDER BY device")) {
            ResultSetMetaData columns = rows.getMetaData();
            assertEquals(List.of("device", "n", "t"), List.of(columns.getColumnName(1), columns.getColumnName(2), columns.getColumnName(3)));
            assertEquals(List.of(Types.VARCHAR, Types.BIGINT, Types.DOUBLE),
                    List.of(columns.getColumnType(1), columns.getColumnType(2), columns.getColumnType(3)));
            List<String> answer = new ArrayList<>();
            while (rows.next()) {
                answer.add(rows.getString(1) + " " + rows.getLong(2) + " " + rows.getDouble(3));
            }
            // d0 holds i = 0, 4, ..., 9996: temperatures i/2, average 2499.0
            assertEquals(List.of("d0 2500 2499.0", "d1 2500 2499.5", "d2 2500 2500.0", "d3 2500 2500.5"), answer);
        }
        try (Statement statement = jdbc.createStatement(); ResultSet rows = statement.executeQuery("SELECT ts FROM readings")) {
            long count = 0;
            long sum = 0;
            while (rows.next()) {
                count++;
                sum += rows.getLong(1);
            }
            assertEquals(10_000, count, "every row, over three Arrow batches of " + FlightSqlEndpoint.BATCH_ROWS);
            assertEquals(1000L * 9_999 * 10_000 / 2, sum);
        }
    }

    @Test
    void aPreparedStatementRunsAgainOnEachExecutionAndSeesNewRows() throws Exception {
        try (PreparedStatement count = jdbc.prepareStatement("SELECT count(*) AS n FROM readings WHERE device = 'late'")) {
            assertEquals(0, single(count));
            try (StoreBatch batch = store.newBatch()) {
                batch.putRaw("readings", "late", 1L, 0, 20_000, WireEvents.encode(SCHEMA, "late", 1L, 1.0));
                store.commit(batch);
            }
            assertEquals(1, single(count));
            assertEquals(1, single(count));
        }
    }

    private static long single(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            assertTrue(rows.next());
            long value = rows.getLong(1);
            assertFalse(rows.next());
            return value;
        }
    }

    @Test
    void aFlightSqlClientRunsAStatementWithoutPreparingIt() throws Exception {
        // what ADBC and most non-JDBC clients send: CommandStatementQuery, then the ticket's stream
        try (org.apache.arrow.memory.BufferAllocator allocator = new org.apache.arrow.memory.RootAllocator();
             org.apache.arrow.flight.FlightClient flight = org.apache.arrow.flight.FlightClient.builder(allocator,
                     org.apache.arrow.flight.Location.forGrpcInsecure("127.0.0.1", endpoint.port())).build();
             org.apache.arrow.flight.sql.FlightSqlClient client = new org.apache.arrow.flight.sql.FlightSqlClient(flight)) {
            org.apache.arrow.flight.FlightInfo info = client.execute("SELECT device, max(ts) AS last FROM readings GROUP BY device ORDER BY device");
            assertEquals("Schema<device: Utf8, last: Int(64, true)>", info.getSchema().toString());
            List<String> answer = new ArrayList<>();
            try (org.apache.arrow.flight.FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
                while (stream.next()) {
                    org.apache.arrow.vector.VectorSchemaRoot root = stream.getRoot();
                    for (int r = 0; r < root.getRowCount(); r++) {
                        answer.add(root.getVector(0).getObject(r) + " " + root.getVector(1).getObject(r));
                    }
                }
            }
            assertEquals(List.of("d0 9996000", "d1 9997000", "d2 9998000", "d3 9999000"), answer);
        }
    }

    @Test
    void aToolListsTheTablesItCanQuery() throws Exception {
        List<String> tables = new ArrayList<>();
        try (ResultSet listed = jdbc.getMetaData().getTables(null, null, "%", null)) {
            while (listed.next()) {
                tables.add(listed.getString("TABLE_NAME") + " " + listed.getString("TABLE_TYPE"));
            }
        }
        assertEquals(List.of("readings TABLE", "readings_10s VIEW"), tables);
        try (ResultSet listed = jdbc.getMetaData().getTables(null, null, "read%", new String[] {"VIEW"})) {
            assertTrue(listed.next());
            assertEquals("readings_10s", listed.getString("TABLE_NAME"));
            assertFalse(listed.next());
        }
    }

    @Test
    void aBadQueryFailsWithTheEnginesReason() throws Exception {
        try (Statement statement = jdbc.createStatement()) {
            SQLException unknown = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT humidity FROM readings"));
            assertTrue(messages(unknown).contains("unknown column 'humidity'"), messages(unknown));
        }
    }

    @Test
    void aResultOverTheRowLimitIsRefusedWithTheWayToReadIt() throws Exception {
        try (FlightSqlEndpoint tight = FlightSqlEndpoint.start(engine, new AdmissionControl(2, 4, 5_000), 100, "127.0.0.1", 0);
             Connection client = connect(tight); Statement statement = client.createStatement()) {
            SQLException tooBig = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT ts FROM readings"));
            assertTrue(messages(tooBig).contains("more than 100 rows") && messages(tooBig).contains("POST /v1/query"), messages(tooBig));
            try (ResultSet rows = statement.executeQuery("SELECT ts FROM readings LIMIT 100")) {
                int n = 0;
                while (rows.next()) {
                    n++;
                }
                assertEquals(100, n, "a LIMIT within it is served");
            }
        }
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
