package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users submit jobs to a running node: Flink SQL and a jar of DataStream code, over registered streams, into
 * registered streams, where storage keeps their output and queries read it. A job is checked before it is kept, runs
 * exactly once across a node restart, and is forgotten when cancelled.
 */
class SubmittedJobsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BASE = 1_700_000_040_000L - 1_700_000_040_000L % 60_000;
    private static final String PER_MINUTE_SCHEMA = """
            {"type":"record","name":"PerMinute","namespace":"test","fields":[
              {"name":"device","type":"string"},{"name":"ts","type":"long"},{"name":"n","type":"long"},
              {"name":"avg_temperature","type":"double"}]}""";
    private static final String PER_MINUTE_SQL = """
            -- readings per device and minute
            INSERT INTO readings_per_minute
            SELECT device, window_start AS ts, COUNT(*) AS n, AVG(temperature) AS avg_temperature
            FROM TABLE(TUMBLE(TABLE readings, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
            GROUP BY device, window_start, window_end;
            """;

    @TempDir
    Path dataDir;
    @TempDir
    Path jarDir;

    private NodeConfig config() {
        return NodeConfig.builder().dataDir(dataDir).ephemeralPorts().set("aggregation.out-of-orderness", "100ms")
                .set("aggregation.idleness", "2s").set("flink.checkpoint.interval", "1s").set("storage.seal.after", "off").build();
    }

    @Test
    void sqlAndJarJobsReadStreamsWriteStreamsAndRunExactlyOnceAcrossARestart() throws Exception {
        try (PlatformNode node = PlatformNode.start(config())) {
            register(node, "readings", NodeHarness.READINGS_SCHEMA);
            register(node, "readings_per_minute", PER_MINUTE_SCHEMA);
            register(node, "hot_readings", NodeHarness.READINGS_SCHEMA);

            // minute 0: d1 at 10, 20, 30 degrees; d2 at 40; minute 1: d1 at 50
            send(node, event("d1", BASE + 1_000, 10), event("d1", BASE + 2_000, 20), event("d2", BASE + 3_000, 40),
                    event("d1", BASE + 59_000, 30), event("d1", BASE + 61_000, 50));
            HttpResponse<String> sql = submit(node, "per-minute", PER_MINUTE_SQL, "text/plain", "");
            assertEquals(200, sql.statusCode(), sql.body());
            assertEquals("sql", JSON.readTree(sql.body()).get("kind").asText());
            HttpResponse<String> jar = submit(node, "hot", null, "application/java-archive", "");
            assertEquals(200, jar.statusCode(), jar.body());

            // the event of minute 2 closes minute 1 (100 ms tolerated out of order)
            send(node, event("d2", BASE + 125_000, 35));
            NodeHarness.await("both closed minutes written by the SQL job", Duration.ofSeconds(120),
                    () -> NodeHarness.rows(node, "SELECT device, ts, n, avg_temperature FROM readings_per_minute ORDER BY device, ts").size() == 3);
            assertEquals(List.of(
                    "{\"device\":\"d1\",\"ts\":" + BASE + ",\"n\":3,\"avg_temperature\":20.0}",
                    "{\"device\":\"d1\",\"ts\":" + (BASE + 60_000) + ",\"n\":1,\"avg_temperature\":50.0}",
                    "{\"device\":\"d2\",\"ts\":" + BASE + ",\"n\":1,\"avg_temperature\":40.0}"),
                    NodeHarness.answeredRows(node, "SELECT device, ts, n, avg_temperature FROM readings_per_minute ORDER BY device, ts"));
            NodeHarness.await("readings over 30 degrees copied by the jar job", Duration.ofSeconds(60),
                    () -> NodeHarness.rows(node, "SELECT temperature FROM hot_readings ORDER BY temperature").size() == 3);
            assertEquals(List.of("{\"temperature\":35.0}", "{\"temperature\":40.0}", "{\"temperature\":50.0}"),
                    NodeHarness.answeredRows(node, "SELECT temperature FROM hot_readings ORDER BY temperature"));

            String jobs = NodeHarness.get(NodeHarness.query(node) + "/v1/jobs").body();
            assertTrue(jobs.contains("\"job\":\"per-minute\",\"kind\":\"sql\""), jobs);
            String profile = NodeHarness.get(NodeHarness.query(node) + "/v1/jobs/per-minute/profile").body();
            assertTrue(profile.startsWith("{\"job\":\"per-minute\",\"tasks\":[{\"task\":"), "a submitted job's tasks are profiled too: " + profile);
            assertTrue(jobs.contains("\"job\":\"hot\",\"kind\":\"jar\""), jobs);
            assertTrue(jobs.lines().filter(l -> l.contains("\"kind\":\"sql\"") || l.contains("\"kind\":\"jar\"")).allMatch(l -> l.contains("\"status\":\"RUNNING\"")), jobs);
        }

        try (PlatformNode node = PlatformNode.start(config())) {
            NodeHarness.await("the submitted jobs running again after the restart", Duration.ofSeconds(120), () -> {
                String jobs = jobs(node);
                return jobs.contains("\"job\":\"per-minute\"") && jobs.contains("\"job\":\"hot\"")
                        && jobs.lines().filter(l -> l.contains("\"kind\":\"sql\"") || l.contains("\"kind\":\"jar\"")).allMatch(l -> l.contains("\"status\":\"RUNNING\""));
            });
            // minute 3 closes minute 2; minutes 0 and 1 must not be written again
            send(node, event("d2", BASE + 185_000, 31));
            NodeHarness.await("minute 2 written after the restart", Duration.ofSeconds(120),
                    () -> NodeHarness.rows(node, "SELECT device, ts, n FROM readings_per_minute ORDER BY device, ts").size() >= 4);
            Thread.sleep(3_000); // a duplicate would land with the same checkpoint as minute 2
            assertEquals(List.of(
                    "{\"device\":\"d1\",\"ts\":" + BASE + ",\"n\":3}",
                    "{\"device\":\"d1\",\"ts\":" + (BASE + 60_000) + ",\"n\":1}",
                    "{\"device\":\"d2\",\"ts\":" + BASE + ",\"n\":1}",
                    "{\"device\":\"d2\",\"ts\":" + (BASE + 120_000) + ",\"n\":1}"),
                    NodeHarness.answeredRows(node, "SELECT device, ts, n FROM readings_per_minute ORDER BY device, ts"), "exactly once across the restart");
            NodeHarness.await("the jar job's new row", Duration.ofSeconds(60),
                    () -> NodeHarness.rows(node, "SELECT temperature FROM hot_readings").size() == 4);

            HttpResponse<String> cancelled = NodeHarness.post(NodeHarness.query(node) + "/v1/jobs/hot/cancel", "");
            assertEquals(200, cancelled.statusCode(), cancelled.body());
            assertFalse(NodeHarness.get(NodeHarness.query(node) + "/v1/jobs").body().contains("\"job\":\"hot\""), "a cancelled job is forgotten");
            assertFalse(Files.exists(dataDir.resolve("flink/jobs/hot")));
        }
    }

    @Test
    void aJobThatCannotRunIsRefusedWithTheReasonAndLeavesNothingBehind() throws Exception {
        try (PlatformNode node = PlatformNode.start(config())) {
            register(node, "readings", NodeHarness.READINGS_SCHEMA);
            register(node, "readings_per_minute", PER_MINUTE_SCHEMA);
            assertRefused(node, "typo", "INSERT INTO readings_per_minute SELEC device FROM readings", "SQL was refused");
            assertRefused(node, "updating", "INSERT INTO readings_per_minute SELECT device, MAX(ts) AS ts, COUNT(*) AS n, AVG(temperature) AS avg_temperature"
                    + " FROM readings GROUP BY device", "only appends");
            assertRefused(node, "nowhere", "INSERT INTO no_such_stream SELECT * FROM readings", "no stream 'no_such_stream' is registered");
            assertRefused(node, "partial", "INSERT INTO readings_per_minute SELECT device, ts FROM readings", "[n, avg_temperature]");
            assertRefused(node, "query", "SELECT * FROM readings", "must be INSERT INTO <stream> SELECT");
            assertRefused(node, "readings", PER_MINUTE_SQL, "names a stream");
            assertRefused(node, "Bad Name", PER_MINUTE_SQL, "must be 1-64 of a-z");
            HttpResponse<String> notAJob = submit(node, "nojob", null, "application/java-archive", "class=java.lang.String");
            assertEquals(400, notAJob.statusCode(), notAJob.body());
            assertTrue(notAJob.body().contains("does not implement io.platform.processing.jobs.PlatformJob"), notAJob.body());
            assertEquals(200, submit(node, "per-minute", PER_MINUTE_SQL, "text/plain", "").statusCode());
            assertRefused(node, "per-minute", PER_MINUTE_SQL, "runs already");
            try (var dirs = Files.list(dataDir.resolve("flink/jobs"))) {
                assertEquals(List.of("per-minute"), dirs.map(p -> p.getFileName().toString()).toList(), "only the accepted job is kept");
            }
        }
    }

    @Test
    void aMaterializedViewIsKeptByAJobOrAsARollupByStorageWhichThePlannerReadsForYou() throws Exception {
        try (PlatformNode node = PlatformNode.start(config())) {
            register(node, "readings", NodeHarness.READINGS_SCHEMA);
            send(node, event("d1", BASE + 1_000, 10), event("d1", BASE + 2_000, 20), event("d2", BASE + 3_000, 40),
                    event("d1", BASE + 61_000, 50), event("d2", BASE + 125_000, 35));
            HttpResponse<String> created = NodeHarness.post(NodeHarness.query(node) + "/v1/query", """
                    CREATE MATERIALIZED VIEW hottest_per_minute AS
                    SELECT device, window_start, COUNT(*) AS n, MAX(temperature) AS hottest
                    FROM TABLE(TUMBLE(TABLE readings, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
                    GROUP BY device, window_start, window_end""");
            assertEquals(200, created.statusCode(), created.body());
            assertTrue(created.body().contains("\"timeField\":\"window_start\"") && created.body().contains("\"keyFields\":[\"device\"]"), created.body());
            String sql = "SELECT device, window_start, n, hottest FROM hottest_per_minute ORDER BY device, window_start";
            NodeHarness.await("the view's closed minutes", Duration.ofSeconds(120), () -> NodeHarness.rows(node, sql).size() == 3);
            assertEquals(List.of(
                    "{\"device\":\"d1\",\"window_start\":" + BASE + ",\"n\":2,\"hottest\":20.0}",
                    "{\"device\":\"d1\",\"window_start\":" + (BASE + 60_000) + ",\"n\":1,\"hottest\":50.0}",
                    "{\"device\":\"d2\",\"window_start\":" + BASE + ",\"n\":1,\"hottest\":40.0}"), NodeHarness.answeredRows(node, sql));

            HttpResponse<String> noTime = NodeHarness.post(NodeHarness.query(node) + "/v1/query",
                    "CREATE MATERIALIZED VIEW totals AS SELECT device, COUNT(*) AS n FROM readings GROUP BY device");
            assertEquals(400, noTime.statusCode(), noTime.body());
            assertTrue(noTime.body().contains("needs a time column"), noTime.body());
            HttpResponse<String> taken = NodeHarness.post(NodeHarness.query(node) + "/v1/query",
                    "CREATE MATERIALIZED VIEW readings AS SELECT * FROM readings");
            assertEquals(400, taken.statusCode(), taken.body());

            assertEquals(200, NodeHarness.post(NodeHarness.query(node) + "/v1/query", "DROP MATERIALIZED VIEW hottest_per_minute").statusCode());
            assertEquals(400, NodeHarness.post(NodeHarness.query(node) + "/v1/query", "DROP MATERIALIZED VIEW hottest_per_minute").statusCode(),
                    "dropped once");
            assertEquals(3, NodeHarness.answeredRows(node, sql).size(), "a dropped view's rows stay queryable");

            // a rollup: kept by storage with the rows, so it has the minute no window has closed yet, and late events
            HttpResponse<String> rollup = NodeHarness.post(NodeHarness.query(node) + "/v1/query", """
                    CREATE MATERIALIZED VIEW readings_by_minute AS
                    SELECT device, time_bucket('1m', ts) AS minute, count(*) AS n, max(temperature) AS hottest
                    FROM readings GROUP BY device, time_bucket('1m', ts)""");
            assertEquals(200, rollup.statusCode(), rollup.body());
            assertTrue(rollup.body().contains("\"kind\":\"rollup\""), rollup.body());
            String byMinute = "SELECT device, minute, n, hottest FROM readings_by_minute ORDER BY device, minute";
            NodeHarness.await("the rollup's backfill", Duration.ofSeconds(30), () -> NodeHarness.rows(node, byMinute).size() == 4);
            assertEquals(List.of(
                    "{\"device\":\"d1\",\"minute\":" + BASE + ",\"n\":2,\"hottest\":20.0}",
                    "{\"device\":\"d1\",\"minute\":" + (BASE + 60_000) + ",\"n\":1,\"hottest\":50.0}",
                    "{\"device\":\"d2\",\"minute\":" + BASE + ",\"n\":1,\"hottest\":40.0}",
                    "{\"device\":\"d2\",\"minute\":" + (BASE + 120_000) + ",\"n\":1,\"hottest\":35.0}"),
                    NodeHarness.answeredRows(node, byMinute));
            String perDevice = "SELECT device, count(*) AS n FROM readings GROUP BY device ORDER BY device";
            assertTrue(NodeHarness.queryFirstLine(node, "EXPLAIN " + perDevice).contains("rollup=readings_by_minute"),
                    NodeHarness.queryFirstLine(node, "EXPLAIN " + perDevice));
            HttpResponse<String> sameName = NodeHarness.post(NodeHarness.query(node) + "/v1/query", """
                    CREATE MATERIALIZED VIEW readings_by_minute AS
                    SELECT device, window_start, COUNT(*) AS n
                    FROM TABLE(TUMBLE(TABLE readings, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
                    GROUP BY device, window_start, window_end""");
            assertEquals(400, sameName.statusCode(), sameName.body());
            assertTrue(sameName.body().contains("names a view already"), "a job's view may not take a rollup's name: " + sameName.body());
            send(node, event("d1", BASE + 5_000, 99)); // minutes late for a one-minute window
            NodeHarness.await("the late event in the rollup", Duration.ofSeconds(30),
                    () -> NodeHarness.rows(node, perDevice).contains("{\"device\":\"d1\",\"n\":4}"));
            assertEquals(200, NodeHarness.post(NodeHarness.query(node) + "/v1/query", "DROP MATERIALIZED VIEW readings_by_minute").statusCode());
            assertFalse(NodeHarness.queryFirstLine(node, "EXPLAIN " + perDevice).contains("rollup="), "dropped");
        }
    }

    private void assertRefused(PlatformNode node, String name, String sql, String reason) throws Exception {
        HttpResponse<String> response = submit(node, name, sql, "text/plain", "");
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains(reason), "refusal of " + name + " says '" + reason + "': " + response.body());
    }

    private HttpResponse<String> submit(PlatformNode node, String name, String sql, String contentType, String query) throws Exception {
        byte[] body = sql != null ? sql.getBytes(java.nio.charset.StandardCharsets.UTF_8) : Files.readAllBytes(hotReadingsJar());
        return NodeHarness.HTTP.send(HttpRequest.newBuilder(URI.create(NodeHarness.query(node) + "/v1/jobs/" + name.replace(" ", "%20") + "/submit?" + query))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Path hotReadingsJar() throws Exception {
        return JobJars.hotReadings(jarDir);
    }

    private static void register(PlatformNode node, String stream, String schema) throws Exception {
        HttpResponse<String> registered = NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/" + stream, schema);
        assertEquals(200, registered.statusCode(), registered.body());
    }

    private static String event(String device, long ts, double temperature) {
        return "{\"device\":\"" + device + "\",\"ts\":" + ts + ",\"temperature\":" + temperature + "}";
    }

    private static void send(PlatformNode node, String... events) throws Exception {
        HttpResponse<String> sent = NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/readings/events", String.join("\n", events));
        assertEquals(200, sent.statusCode(), sent.body());
    }

    private static String jobs(PlatformNode node) {
        try {
            return NodeHarness.get(NodeHarness.query(node) + "/v1/jobs").body();
        } catch (Exception e) {
            return "";
        }
    }
}
