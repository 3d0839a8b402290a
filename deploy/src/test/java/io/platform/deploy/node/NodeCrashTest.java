package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.platform.deploy.PlatformCli;
import io.platform.ingest.client.GatewayClient;
import io.platform.wire.IngestFrameLayout;
import io.platform.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the node process. By default, after a few acknowledged events on each durability: they are all queryable
 * after a restart, each once. With {@code -Pslow}, under load (a soak of two node processes and three Flink jobs): after a restart on the same data dir every event acknowledged before the
 * kill is queryable, on an async stream (acknowledged from the broker's page cache) and on a sync one (fsync before
 * the acknowledgement), no event is stored twice, and every closed window's aggregate equals the raw count, both the
 * stream's own aggregation and a submitted SQL job's (a materialized view, written through Kafka transactions).
 */
class NodeCrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = """
            {"type":"record","name":"Tick","fields":[{"name":"src","type":"string"},{"name":"ts","type":"long"},{"name":"seq","type":"long"}]}""";
    private static final long BASE_TS = 1_700_000_000_000L;
    /** Correlation ids of the sync stream's events start here; the event's own number is the id modulo this. */
    private static final long SYNC_IDS = 1L << 40;

    @TempDir
    Path dataDir;
    private Process node;
    private final int gatewayHttp = freePort();
    private final int gatewayTcp = freePort();
    private final int queryHttp = freePort();
    private final int kafka = freePort();

    @AfterEach
    void killNode() {
        if (node != null) {
            node.destroyForcibly();
        }
    }

    @Test
    void shouldKeepAFewAcknowledgedEventsExactlyOnceAfterKillDashNine() throws Exception {
        node = startNode("first");
        String gateway = "http://127.0.0.1:" + gatewayHttp;
        assertEquals(200, NodeHarness.post(gateway + "/v1/schemas/ticks", SCHEMA).statusCode());
        int schemaId = JSON.readTree(NodeHarness.get(gateway + "/v1/schemas/ticks").body()).get("id").asInt();
        assertEquals(200, NodeHarness.post(gateway + "/v1/schemas/ticks_sync?durability=sync", SCHEMA).statusCode());
        int syncSchemaId = JSON.readTree(NodeHarness.get(gateway + "/v1/schemas/ticks_sync").body()).get("id").asInt();
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        Set<Long> ackedSync = ConcurrentHashMap.newKeySet();
        try (GatewayClient client = GatewayClient.connect("127.0.0.1", gatewayTcp)) {
            client.setAckListener((correlation, status, reason) -> {
                if (status == IngestFrameLayout.STATUS_ACCEPTED) {
                    (correlation >= SYNC_IDS ? ackedSync : acked).add(correlation % SYNC_IDS);
                }
            });
            for (long seq = 0; seq < 200; seq++) {
                client.send("ticks", tick(schemaId, seq), System.currentTimeMillis() * 1_000_000L, seq);
                if (seq % 4 == 0) {
                    client.send("ticks_sync", tick(syncSchemaId, seq), System.currentTimeMillis() * 1_000_000L, SYNC_IDS + seq);
                }
            }
            NodeHarness.await("every event acknowledged", Duration.ofSeconds(60), () -> acked.size() == 200 && ackedSync.size() == 50);
            node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }

        node = startNode("second");
        String query = "http://127.0.0.1:" + queryHttp + "/v1/query";
        assertStoredOnce(query, "ticks", acked);
        assertStoredOnce(query, "ticks_sync", ackedSync);
    }

    /** Waits until every acknowledged event of {@code stream} is queryable, then checks none is stored twice. */
    private static void assertStoredOnce(String query, String stream, Set<Long> acknowledged) throws Exception {
        Set<Long> stored = new HashSet<>();
        long[] rows = {0};
        NodeHarness.await("every acknowledged event of " + stream + " queryable after restart", Duration.ofSeconds(60), () -> {
            stored.clear();
            rows[0] = 0;
            try {
                HttpResponse<String> answer = NodeHarness.post(query, "SELECT seq FROM " + stream);
                if (answer.statusCode() != 200) {
                    // the restarted node may still be opening its query service: ask again
                    return false;
                }
                for (String line : answer.body().split("\n")) {
                    if (!line.isBlank()) {
                        stored.add(JSON.readTree(line).get("seq").asLong());
                        rows[0]++;
                    }
                }
            } catch (IOException | InterruptedException e) {
                return false;
            }
            return stored.containsAll(acknowledged);
        });
        assertEquals(stored.size(), rows[0], "no event of " + stream + " stored twice");
    }

    /** A soak: minutes of two node processes and three Flink jobs on two cores; the test above keeps kill -9 in the default suite. */
    @Test
    @Tag("slow")
    void shouldKeepEveryAcknowledgedEventExactlyOnceAfterKillDashNineUnderLoad() throws Exception {
        node = startNode("first");
        String gateway = "http://127.0.0.1:" + gatewayHttp;
        assertEquals(200, NodeHarness.post(gateway + "/v1/schemas/ticks", SCHEMA).statusCode());
        int schemaId = JSON.readTree(NodeHarness.get(gateway + "/v1/schemas/ticks").body()).get("id").asInt();
        // the same events also into a stream whose broker fsyncs every append before acknowledging
        assertEquals(200, NodeHarness.post(gateway + "/v1/schemas/ticks_sync?durability=sync", SCHEMA).statusCode());
        int syncSchemaId = JSON.readTree(NodeHarness.get(gateway + "/v1/schemas/ticks_sync").body()).get("id").asInt();
        // a submitted SQL job too (a materialized view): its Kafka transactions must neither lose nor repeat a window
        var view = NodeHarness.post("http://127.0.0.1:" + queryHttp + "/v1/query", """
                CREATE MATERIALIZED VIEW ticks_per_second AS
                SELECT src, window_start, COUNT(*) AS n
                FROM TABLE(TUMBLE(TABLE ticks, DESCRIPTOR(event_time), INTERVAL '1' SECOND))
                GROUP BY src, window_start, window_end""");
        assertEquals(200, view.statusCode(), view.body());
        // and a rollup, which storage folds into the same atomic write as the rows: a crash keeps or replays both
        var rollup = NodeHarness.post("http://127.0.0.1:" + queryHttp + "/v1/query", """
                CREATE MATERIALIZED VIEW ticks_by_second AS
                SELECT src, time_bucket('1s', ts) AS second, count(*) AS n, max(seq) AS last_seq
                FROM ticks GROUP BY src, time_bucket('1s', ts)""");
        assertEquals(200, rollup.statusCode(), rollup.body());

        Set<Long> acked = ConcurrentHashMap.newKeySet();
        Set<Long> ackedSync = ConcurrentHashMap.newKeySet();
        long sent = 0;
        try (GatewayClient client = GatewayClient.connect("127.0.0.1", gatewayTcp)) {
            client.setAckListener((correlation, status, reason) -> {
                if (status == IngestFrameLayout.STATUS_ACCEPTED) {
                    (correlation >= SYNC_IDS ? ackedSync : acked).add(correlation % SYNC_IDS);
                }
            });
            // the kill comes 4 s into acknowledged load, not 4 s after the first send: on two cores the first acks took
            // 2-4 s here while three Flink jobs (both streams' aggregations and the view) deploy next to the gateway
            long loadStart = System.nanoTime();
            long firstAck = 0;
            long killAt = loadStart + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < killAt) {
                if (firstAck == 0 && !acked.isEmpty()) {
                    firstAck = System.nanoTime();
                    killAt = firstAck + TimeUnit.SECONDS.toNanos(4);
                    System.err.printf("first acknowledgement %d ms into the load%n", TimeUnit.NANOSECONDS.toMillis(firstAck - loadStart));
                }
                for (int i = 0; i < 20; i++, sent++) {
                    client.send("ticks", tick(schemaId, sent), System.currentTimeMillis() * 1_000_000L, sent);
                    if (i % 4 == 0) {
                        client.send("ticks_sync", tick(syncSchemaId, sent), System.currentTimeMillis() * 1_000_000L, SYNC_IDS + sent);
                    }
                }
                Thread.sleep(5);
            }
            node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(acked.size() > 1000, "load reached the node before the kill: acked=" + acked.size());
        assertTrue(ackedSync.size() > 100, "load reached the sync stream before the kill: acked=" + ackedSync.size());

        node = startNode("second");
        String query = "http://127.0.0.1:" + queryHttp + "/v1/query";
        Set<Long> stored = new HashSet<>();
        long[] rows = {0};
        NodeHarness.await("every acknowledged event queryable after restart", Duration.ofSeconds(60), () -> {
            stored.clear();
            rows[0] = 0;
            try {
                for (String line : NodeHarness.post(query, "SELECT seq FROM ticks").body().split("\n")) {
                    if (!line.isBlank()) {
                        stored.add(JSON.readTree(line).get("seq").asLong());
                        rows[0]++;
                    }
                }
            } catch (IOException | InterruptedException e) {
                return false;
            }
            return stored.containsAll(acked);
        });
        assertEquals(stored.size(), rows[0], "no event stored twice");
        Set<Long> storedSync = new HashSet<>();
        NodeHarness.await("every acknowledged event of the sync stream queryable after restart", Duration.ofSeconds(60), () -> {
            storedSync.clear();
            try {
                for (String line : NodeHarness.post(query, "SELECT seq FROM ticks_sync").body().split("\n")) {
                    if (!line.isBlank()) {
                        storedSync.add(JSON.readTree(line).get("seq").asLong());
                    }
                }
            } catch (IOException | InterruptedException e) {
                return false;
            }
            return storedSync.containsAll(ackedSync);
        });

        // close every window up to the last sent event, then compare each window's aggregate with the raw rows
        try (GatewayClient client = GatewayClient.connect("127.0.0.1", gatewayTcp)) {
            assertTrue(client.send("ticks", tick(schemaId, sent + 60_000), 0).get(30, TimeUnit.SECONDS).accepted());
        }
        long lastClosedWindow = (BASE_TS + sent - 2000) / 1000 * 1000;
        String rawSql = "SELECT time_bucket('1s', ts) AS w, count(*) AS n FROM ticks WHERE ts < " + lastClosedWindow
                + " GROUP BY time_bucket('1s', ts) ORDER BY w";
        String aggSql = "SELECT window_start AS w, sum(count) AS n FROM ticks_1s WHERE window_start < " + lastClosedWindow
                + " GROUP BY window_start ORDER BY w";
        assertSameAnswers(query, rawSql, aggSql, "the stream's aggregates equal raw counts per window", 60);
        String viewSql = "SELECT window_start AS w, sum(n) AS n FROM ticks_per_second WHERE window_start < " + lastClosedWindow
                + " GROUP BY window_start ORDER BY w";
        assertSameAnswers(query, rawSql, viewSql, "the view's windows equal raw counts: exactly once across the kill", 90);
        // every second, the last one included, from the rows (a filter on seq keeps the planner off the rollup) and
        // from the rollup by name
        String rowsPerSecond = "SELECT time_bucket('1s', ts) AS w, count(*) AS n, max(seq) AS s FROM ticks WHERE seq >= 0"
                + " GROUP BY time_bucket('1s', ts) ORDER BY w";
        String rollupPerSecond = "SELECT second AS w, sum(n) AS n, max(last_seq) AS s FROM ticks_by_second GROUP BY second ORDER BY w";
        assertSameAnswers(query, rowsPerSecond, rollupPerSecond, "the rollup equals the rows across the kill, to the last second", 60);
        // the load is in event-time order on every partition, so no event may be late for its window, not even while
        // the restarted job reads the backlog of one partition ahead of the other's
        assertEquals(0, JSON.readTree(deadLetterSummary()).get("deadLetters").asInt(), "no dead letters: " + deadLetterSummary());
    }

    private String deadLetterSummary() throws IOException, InterruptedException {
        return NodeHarness.get("http://127.0.0.1:" + gatewayHttp + "/v1/dlq/ticks").body();
    }

    /** Waits until {@code expectedSql} and {@code actualSql} answer the same non-empty rows; fails with both answers and the dead letters. */
    private void assertSameAnswers(String query, String expectedSql, String actualSql, String what, int seconds) throws Exception {
        String[] last = {"", ""};
        try {
            NodeHarness.await(what, Duration.ofSeconds(seconds), () -> {
                try {
                    last[0] = NodeHarness.post(query, expectedSql).body();
                    last[1] = NodeHarness.post(query, actualSql).body();
                    return !last[0].isBlank() && last[0].equals(last[1]);
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
        } catch (AssertionError e) {
            assertEquals(last[0], last[1], what + "; dead letters: " + deadLetterSummary());
        }
    }

    private static byte[] tick(int schemaId, long seq) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {WireFormat.MAGIC, (byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8), (byte) schemaId});
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        encoder.writeString("src-" + (seq % 4));
        encoder.writeLong(BASE_TS + seq);
        encoder.writeLong(seq);
        encoder.flush();
        return out.toByteArray();
    }

    private Process startNode(String name) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dplatform.log.level=warn", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), PlatformCli.class.getName(), "up", "--data-dir", dataDir.toString()));
        for (String setting : new String[] {"kafka.port=" + kafka, "gateway.http.port=" + gatewayHttp, "gateway.tcp.port=" + gatewayTcp,
                "query.http.port=" + queryHttp, "query.flight.port=0", "aggregation.window=1s", "aggregation.out-of-orderness=100ms",
                "aggregation.idleness=1s", "flink.checkpoint.interval=1s", "gateway.aeron.channel=aeron:udp?endpoint=127.0.0.1:0"}) {
            command.add("--set");
            command.add(setting);
        }
        File log = Files.createTempFile("node-" + name, ".log").toFile();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("node exited: " + Files.readString(log.toPath()));
            }
            try {
                if (NodeHarness.get("http://127.0.0.1:" + gatewayHttp + "/health").statusCode() == 200
                        && NodeHarness.get("http://127.0.0.1:" + queryHttp + "/health").statusCode() == 200) {
                    return process;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(250);
        }
        process.destroyForcibly();
        throw new AssertionError("node not healthy within 90 s: " + Files.readString(log.toPath()));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
