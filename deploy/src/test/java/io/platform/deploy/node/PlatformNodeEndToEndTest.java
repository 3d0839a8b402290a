package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.platform.wire.EventHeaders;
import io.platform.wire.TopicNames;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The whole path on a real embedded broker and MiniCluster: HTTP in, Kafka, Flink, RocksDB, SQL out. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlatformNodeEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dataDir;
    private PlatformNode node;

    @BeforeAll
    void startNode() throws Exception {
        node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts()
                .set("aggregation.window", "1s").set("aggregation.out-of-orderness", "100ms")
                .set("aggregation.idleness", "1s").set("flink.checkpoint.interval", "1s")
                .set("flows.sampling-rate", "1").set("storage.seal.check", "1s").build());
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void shouldStoreValidEventsAggregateThemAndDeadLetterMalformedOnes() throws Exception {
        HttpResponse<String> registered = NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/readings", NodeHarness.READINGS_SCHEMA);
        assertEquals(200, registered.statusCode(), registered.body());
        JsonNode schema = JSON.readTree(registered.body());
        assertEquals("ts", schema.get("timeField").asText());
        assertEquals("device", schema.get("keyFields").get(0).asText());

        long base = 1_700_000_000_000L;
        StringBuilder ndjson = new StringBuilder();
        double expectedD1Sum = 0;
        for (int i = 0; i < 300; i++) {
            double temperature = i * 0.5;
            ndjson.append("{\"device\":\"d").append(i % 3).append("\",\"ts\":").append(base + i * 10L)
                    .append(",\"temperature\":").append(temperature).append("}\n");
            if (i % 3 == 1) {
                expectedD1Sum += temperature;
            }
        }
        HttpResponse<String> accepted = NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/readings/events", ndjson.toString());
        assertEquals(200, accepted.statusCode(), accepted.body());
        assertEquals(300, JSON.readTree(accepted.body()).get("accepted").asInt());

        HttpResponse<String> malformed = NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/readings/events",
                "{\"device\":\"x\",\"ts\":\"not-a-number\",\"temperature\":1}\n{\"nope\":true}\n{broken json\n");
        assertEquals(400, malformed.statusCode(), malformed.body());
        JsonNode refusal = JSON.readTree(malformed.body());
        assertEquals(3, refusal.get("rejected").asInt());
        assertTrue(refusal.get("errors").get(0).get("reason").asText().contains("field 'ts' must be long"), refusal.toString());

        String expected = "{\"n\":100,\"s\":" + expectedD1Sum + "}";
        NodeHarness.await("raw rows of d1 queryable", Duration.ofSeconds(30), () -> NodeHarness.queryFirstLine(node,
                "SELECT count(*) AS n, sum(temperature) AS s FROM readings WHERE device = 'd1'").equals(expected));
        // the same answer over Arrow Flight SQL, as a JDBC tool would ask
        try (java.sql.Connection jdbc = java.sql.DriverManager.getConnection("jdbc:arrow-flight-sql://" + node.host() + ":"
                + node.flightSqlPort() + "/?useEncryption=false");
             java.sql.ResultSet rows = jdbc.createStatement().executeQuery(
                     "SELECT count(*) AS n, sum(temperature) AS s FROM readings WHERE device = 'd1'")) {
            assertTrue(rows.next());
            assertEquals(100, rows.getLong("n"));
            assertEquals(expectedD1Sum, rows.getDouble("s"));
        }

        // a later event closes the windows (watermark passes them); aggregates then equal the raw figures per window
        NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/readings/events",
                "{\"device\":\"d1\",\"ts\":" + (base + 60_000) + ",\"temperature\":0}");
        NodeHarness.await("aggregates of the closed windows", Duration.ofSeconds(60), () -> NodeHarness.queryFirstLine(node,
                "SELECT sum(count) AS n FROM readings_1s WHERE device = 'd1' AND window_start < " + (base + 60_000)).equals("{\"n\":100}"));
        String perWindowRaw = NodeHarness.post(NodeHarness.query(node) + "/v1/query",
                "SELECT time_bucket('1s', ts) AS w, count(*) AS n, max(temperature) AS mx FROM readings WHERE device = 'd1' AND ts < "
                        + (base + 60_000) + " GROUP BY time_bucket('1s', ts) ORDER BY w").body();
        String perWindowAgg = NodeHarness.post(NodeHarness.query(node) + "/v1/query",
                "SELECT window_start AS w, count AS n, temperature_max AS mx FROM readings_1s WHERE device = 'd1' AND window_start < "
                        + (base + 60_000) + " ORDER BY w").body();
        assertEquals(perWindowRaw, perWindowAgg);

        List<ConsumerRecord<byte[], byte[]>> deadLetters = readAll(TopicNames.deadLetter("readings"), 3);
        assertEquals(3, deadLetters.size());
        String reason = new String(deadLetters.get(0).headers().lastHeader(EventHeaders.DLQ_REASON).value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("ts"), reason);
        assertEquals("{\"device\":\"x\",\"ts\":\"not-a-number\",\"temperature\":1}", new String(deadLetters.get(0).value(), StandardCharsets.UTF_8));
        assertEquals("decode", new String(deadLetters.get(2).headers().lastHeader(EventHeaders.DLQ_STAGE).value(), StandardCharsets.UTF_8));
        String metrics = NodeHarness.get(NodeHarness.gateway(node) + "/metrics").body();
        assertTrue(metrics.contains("platform_dlq_events_total{reason=\"wrong_type\",stage=\"validate\"}")
                && metrics.contains("platform_dlq_events_total{reason=\"malformed_json\",stage=\"decode\"}"), "dead letters counted by reason class");
        assertTrue(metrics.contains("platform_aeron_sender_flow_control_limits_total") && metrics.contains("platform_aeron_naks_sent_total"),
                "the Aeron driver's counters are on the same endpoint");
    }

    @Test
    void sealsOldHoursIntoColumnSegmentsAndAnswersTheSameWithALateRowCountedOnce() throws Exception {
        String schemaJson = NodeHarness.READINGS_SCHEMA.replace("\"Reading\"", "\"History\"");
        assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/history", schemaJson).statusCode());
        // two old hours of two devices, one event a minute each: 240 rows, sealed once the node looks (every second here)
        long hour = 3_600_000L;
        long base = 1_600_000_000_000L / hour * hour;
        StringBuilder ndjson = new StringBuilder();
        double sum = 0;
        for (int i = 0; i < 240; i++) {
            double temperature = (i % 40) * 0.5;
            ndjson.append("{\"device\":\"h").append(i % 2).append("\",\"ts\":").append(base + (i / 2) * 60_000L)
                    .append(",\"temperature\":").append(temperature).append("}\n");
            sum += temperature;
        }
        assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/history/events", ndjson.toString()).statusCode());
        String expected = "{\"n\":240,\"s\":" + sum + "}";
        NodeHarness.await("both hours sealed", Duration.ofSeconds(60), () -> NodeHarness.queryFirstLine(node,
                "EXPLAIN SELECT count(*) FROM history").contains("sealed=2 partitions"));
        assertEquals(expected, NodeHarness.queryFirstLine(node, "SELECT count(*) AS n, sum(temperature) AS s FROM history"));
        String listed = NodeHarness.get(NodeHarness.query(node) + "/v1/segments?stream=history").body();
        assertEquals(2, listed.trim().split("\n").length, listed);
        assertTrue(listed.contains("\"rows\":120,\"tier\":\"warm\""), listed);
        String analyzed = NodeHarness.queryFirstLine(node, "EXPLAIN ANALYZE SELECT count(*) FROM history WHERE device = 'h1'");
        assertTrue(analyzed.contains("\"rows_matched\":120") && analyzed.contains("\"blocks_read\":2"), analyzed);
        // what the planner knows of the stream: two devices, 40 temperatures; estimates from it in EXPLAIN
        String statistics = NodeHarness.get(NodeHarness.query(node) + "/v1/statistics?stream=history").body();
        assertTrue(statistics.contains("\"rows\":240") && statistics.contains("\"device\":{\"values\":240,\"distinct\":2")
                && statistics.contains("\"temperature\":{\"values\":240,\"distinct\":40,\"min\":0.0,\"max\":19.5,\"histogram\":["), statistics);
        // half the temperatures are at least 10: 120 rows, estimated from the histogram (RocksDB's row estimate may
        // still count some of the rows the seals removed)
        NodeHarness.await("statistics behind EXPLAIN", Duration.ofSeconds(30), () -> {
            String plan = NodeHarness.queryFirstLine(node, "EXPLAIN SELECT device, count(*) FROM history WHERE temperature >= 10 GROUP BY device");
            java.util.regex.Matcher estimate = java.util.regex.Pattern.compile("est_matched=(\\d+)").matcher(plan);
            return estimate.find() && Long.parseLong(estimate.group(1)) >= 100 && Long.parseLong(estimate.group(1)) <= 160;
        });
        assertTrue(NodeHarness.queryFirstLine(node, "EXPLAIN SELECT device, count(*) FROM history GROUP BY device").contains("hash-aggregate est_groups=2"));

        // a late event for a sealed hour stays a row and is counted once, next to the segment
        assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/history/events",
                "{\"device\":\"h0\",\"ts\":" + (base + 5) + ",\"temperature\":100.0}").statusCode());
        String withLate = "{\"n\":241,\"s\":" + (sum + 100.0) + "}";
        NodeHarness.await("the late row", Duration.ofSeconds(30), () -> NodeHarness.queryFirstLine(node,
                "SELECT count(*) AS n, sum(temperature) AS s FROM history").equals(withLate));
        assertTrue(NodeHarness.get(NodeHarness.query(node) + "/metrics").body().contains("platform_storage_sealed_rows_total"));
    }

    @Test
    void logsAsJsonWithTheRequestsTraceIdAndKeepsChangesInTheAuditLog() throws Exception {
        String gateway = NodeHarness.gateway(node);
        assertEquals(200, NodeHarness.post(gateway + "/v1/schemas/logged", NodeHarness.READINGS_SCHEMA).statusCode());
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        HttpResponse<String> bad = NodeHarness.HTTP.send(java.net.http.HttpRequest.newBuilder(URI.create(gateway + "/v1/streams/logged/events"))
                .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, bad.statusCode(), bad.body());

        Path logDir = node.config().logDir();
        List<String> traced = new ArrayList<>();
        io.platform.observability.logging.LogSearch.search(logDir, new io.platform.observability.logging.LogSearch.Query(
                null, null, null, traceId, null), traced::add);
        assertEquals(1, traced.size(), "the rejection is logged once, inside the request's trace: " + traced);
        JsonNode line = JSON.readTree(traced.get(0));
        assertEquals("WARN", line.get("level").asText());
        assertTrue(line.get("msg").asText().contains("stream=logged had 1 rejected"), line.toString());

        List<String> audit = new ArrayList<>();
        // the stream's aggregation job starts on its own thread after the registration answered: wait for its line
        NodeHarness.await("the aggregation job's start in the audit log", Duration.ofSeconds(30), () -> {
            audit.clear();
            try {
                io.platform.observability.logging.LogSearch.search(logDir, new io.platform.observability.logging.LogSearch.Query(
                        null, null, java.util.Set.of(io.platform.observability.logging.LogClass.AUDIT), null, "subject=logged"), audit::add);
            } catch (java.io.IOException e) {
                return false;
            }
            return audit.stream().anyMatch(l -> l.contains("action=job.start subject=logged"));
        });
        assertTrue(audit.stream().anyMatch(l -> l.contains("action=schema.register subject=logged detail=version=1")), audit.toString());
    }

    @Test
    void countsTheGatewaysTcpTrafficPerFlow() throws Exception {
        int frames = 20;
        try (io.platform.ingest.client.GatewayClient client = io.platform.ingest.client.GatewayClient.connect(node.host(), node.gatewayTcpPort())) {
            for (int i = 0; i < frames; i++) {
                // an unknown stream: refused with a reason, one frame in and one ack out each
                client.send("noflowstream", new byte[] {0, 0, 0, 0, 1, 2}, 0).get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            JsonNode flows = JSON.readTree(NodeHarness.get(NodeHarness.gateway(node) + "/v1/flows").body());
            assertEquals(1, flows.get("samplingRate").asInt());
            JsonNode atGateway = null;
            for (JsonNode flow : flows.get("flows")) {
                // the newest flow at the gateway's port is this client's (earlier tests' connections are listed too)
                if (flow.get("transport").asText().equals("tcp") && flow.get("local").asText().endsWith(":" + node.gatewayTcpPort())
                        && (atGateway == null || flow.get("lastSampledMs").asLong() > atGateway.get("lastSampledMs").asLong())) {
                    atGateway = flow;
                }
            }
            assertTrue(atGateway != null, flows.toString());
            assertEquals(frames, atGateway.get("framesIn").asLong(), atGateway.toString());
            assertEquals(frames, atGateway.get("framesOut").asLong(), "one ack per event frame: " + atGateway);
            assertTrue(atGateway.get("bytesIn").asLong() > frames * 6L, atGateway.toString());
        }
        String metrics = NodeHarness.get(NodeHarness.gateway(node) + "/metrics").body();
        assertTrue(metrics.contains("platform_flow_bytes_total{direction=\"in\",transport=\"tcp\"}"), "flow totals in Prometheus");
    }

    @Test
    void samplesCheckpointsUdpDropsAndStorageStallsForTheDiagnosisAndExportsLsmMetrics() throws Exception {
        // the probe stream's job checkpoints every second here; its durations reach the per-second history
        NodeHarness.await("a second with a completed checkpoint in /v1/stats", Duration.ofSeconds(30), this::someSecondHadACheckpoint);
        JsonNode last = JSON.readTree(NodeHarness.get(NodeHarness.gateway(node) + "/v1/stats").body()).get("samples");
        assertTrue(last.get(last.size() - 1).get("gauges").has("udp_drops"), last.get(last.size() - 1).toString());
        assertTrue(last.get(last.size() - 1).get("gauges").has("storage_stall_ms"), last.get(last.size() - 1).toString());
        String metrics = NodeHarness.get(NodeHarness.query(node) + "/metrics").body();
        for (String lsm : List.of("platform_storage_write_amplification", "platform_storage_read_amplification",
                "platform_storage_stall_seconds_total", "platform_storage_pending_compaction_bytes", "platform_storage_level0_files")) {
            assertTrue(metrics.contains(lsm), "LSM metric " + lsm);
        }
    }

    @Test
    void profilesAStreamsJobFromFlinksOwnTaskMetrics() throws Exception {
        // the probe stream's job runs from the start; Flink's task metrics reach the platform through its reporter
        NodeHarness.await("the probe job's tasks in its profile", Duration.ofSeconds(30), () -> {
            try {
                // 404 until the probe stream's job has been submitted
                JsonNode tasks = JSON.readTree(NodeHarness.get(NodeHarness.query(node) + "/v1/jobs/platform_probe/profile").body()).get("tasks");
                return tasks != null && tasks.size() >= 2;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode profile = JSON.readTree(NodeHarness.get(NodeHarness.query(node) + "/v1/jobs/platform_probe/profile").body());
        boolean windowTask = false;
        for (JsonNode task : profile.get("tasks")) {
            windowTask |= task.get("task").asText().contains("window-aggregate");
            double total = task.get("busyMsPerSecond").asDouble() + task.get("backPressuredMsPerSecond").asDouble() + task.get("idleMsPerSecond").asDouble();
            assertTrue(total <= 1001, "a task's time splits one second: " + task);
            assertTrue(task.get("stateBytes").asLong() >= 0 && task.get("stateKeys").asLong() >= 0 && task.has("busyMicrosPerRecord"), task.toString());
        }
        assertTrue(windowTask, profile.toString());
        assertTrue(profile.has("bottleneck") && profile.get("completedCheckpoints").asLong() >= 0, profile.toString());
        assertEquals(404, NodeHarness.get(NodeHarness.query(node) + "/v1/jobs/nosuchstream/profile").statusCode());
        String metrics = NodeHarness.get(NodeHarness.query(node) + "/metrics").body();
        assertTrue(metrics.contains("platform_flink_busy_time_ms_per_second{job=\"platform-aggregation-platform_probe\""), "task metrics in Prometheus");
        assertTrue(metrics.contains("platform_flink_last_checkpoint_duration{job=\"platform-aggregation-platform_probe\""), "checkpoint metrics in Prometheus");
        assertTrue(metrics.contains("platform_flink_checkpoint_alignment_time{job=\"platform-aggregation-platform_probe\"")
                && metrics.contains("platform_flink_checkpoint_start_delay_nanos{job=\"platform-aggregation-platform_probe\""),
                "the window task's barrier alignment and checkpoint start delay in Prometheus");
        // the window operator's RocksDB state, per state (column family): registered when the first probe event makes it
        NodeHarness.await("the window operator's state metrics in Prometheus", Duration.ofSeconds(30), () -> {
            try {
                return NodeHarness.get(NodeHarness.query(node) + "/metrics").body()
                        .contains("platform_flink_state_keys{job=\"platform-aggregation-platform_probe\",operator=\"window-aggregate\"");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void measuresTimeToFirstRowOfStreamedQueries() throws Exception {
        assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/firstrows", NodeHarness.READINGS_SCHEMA).statusCode());
        assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/firstrows/events",
                "{\"device\":\"a\",\"ts\":1,\"temperature\":1}").statusCode());
        NodeHarness.await("the row stored", Duration.ofSeconds(30),
                () -> NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM firstrows").equals("{\"n\":1}"));
        long before = io.platform.observability.LatencyMetrics.global().stage(io.platform.observability.Stage.QUERY_FIRST_ROW).count();
        NodeHarness.post(NodeHarness.query(node) + "/v1/query", "SELECT device FROM firstrows");
        assertTrue(io.platform.observability.LatencyMetrics.global().stage(io.platform.observability.Stage.QUERY_FIRST_ROW).count() > before,
                "the query's first row was timed");
        assertTrue(NodeHarness.get(NodeHarness.query(node) + "/metrics").body().contains("stage=\"query_first_row\""));
    }

    private boolean someSecondHadACheckpoint() {
        try {
            for (JsonNode sample : JSON.readTree(NodeHarness.get(NodeHarness.gateway(node) + "/v1/stats").body()).get("samples")) {
                if (sample.get("gauges").path("checkpoint_ms").asDouble() > 0) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void refusesEventsOfUnknownStreamAndBadSqlWithReasons() throws Exception {
        HttpResponse<String> unknown = NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/nosuch/events", "{\"a\":1}");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("register its schema first"), unknown.body());

        HttpResponse<String> badSql = NodeHarness.post(NodeHarness.query(node) + "/v1/query", "SELECT count(*) FROM");
        assertEquals(400, badSql.statusCode());
        assertEquals(21, JSON.readTree(badSql.body()).get("position").asInt(), badSql.body());

        HttpResponse<String> metrics = NodeHarness.get(NodeHarness.gateway(node) + "/metrics");
        assertTrue(metrics.body().contains("platform_stage_latency_seconds{quantile=\"0.99\",stage=\"validate\"}")
                || metrics.body().contains("stage=\"validate\""), metrics.body().substring(0, Math.min(2000, metrics.body().length())));
    }

    @Test
    void shouldAcceptBinaryFramesAndDeadLetterCorruptOnesWithReasons() throws Exception {
        HttpResponse<String> registered = NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/frames", NodeHarness.READINGS_SCHEMA);
        int schemaId = JSON.readTree(registered.body()).get("id").asInt();
        byte[] valid = NodeHarness.wireEvent(schemaId, "bin", 1_700_000_000_000L, 7.5);
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 4);
        byte[] wrongSchema = NodeHarness.wireEvent(999_999, "bin", 1_700_000_000_000L, 7.5);
        byte[] badMagic = valid.clone();
        badMagic[0] = 7;
        try (io.platform.ingest.client.GatewayClient client = io.platform.ingest.client.GatewayClient.connect(node.host(), node.gatewayTcpPort())) {
            assertTrue(client.send("frames", valid, 0).get(10, java.util.concurrent.TimeUnit.SECONDS).accepted());
            io.platform.ingest.client.GatewayClient.Ack cut = client.send("frames", truncated, 0).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(io.platform.wire.IngestFrameLayout.STATUS_REJECTED, cut.status());
            assertTrue(cut.reason().contains("ends before the record does") && cut.reason().contains("schema id=" + schemaId), cut.reason());
            assertTrue(client.send("frames", wrongSchema, 0).get(10, java.util.concurrent.TimeUnit.SECONDS).reason().contains("id=999999"));
            assertTrue(client.send("frames", badMagic, 0).get(10, java.util.concurrent.TimeUnit.SECONDS).reason().contains("magic"));
            assertTrue(client.send("nosuch", valid, 0).get(10, java.util.concurrent.TimeUnit.SECONDS).reason().contains("unknown stream=nosuch"));
        }
        // a batch frame: one ack for all its events; an invalid event in it is dead-lettered and counted as rejected
        try (io.platform.ingest.client.GatewayClient client = io.platform.ingest.client.GatewayClient.connect(node.host(), node.gatewayTcpPort())) {
            java.util.concurrent.CompletableFuture<int[]> batchAck = NodeHarness.nextBatchAck(client);
            client.sendBatch("frames", new byte[][] {valid, valid, truncated, valid}, 4, System.currentTimeMillis() * 1_000_000L, 77);
            assertEquals("[77, 3, 1, 0]", java.util.Arrays.toString(batchAck.get(10, java.util.concurrent.TimeUnit.SECONDS)));
        }
        assertEquals(4, readAll(TopicNames.deadLetter("frames"), 4).size());
        NodeHarness.await("binary events queryable", Duration.ofSeconds(30), () -> NodeHarness.queryFirstLine(node,
                "SELECT count(*) AS n, max(temperature) AS t FROM frames WHERE device = 'bin'").equals("{\"n\":4,\"t\":7.5}"));
    }

    @Test
    void shouldReplayDeadLettersExactlyOnceAfterASchemaFixAndParkThoseThatFailAgain() throws Exception {
        String gateway = NodeHarness.gateway(node);
        assertEquals(200, NodeHarness.post(gateway + "/v1/schemas/replays", NodeHarness.READINGS_SCHEMA).statusCode());
        String withHumidity = "{\"device\":\"r1\",\"ts\":1700000000000,\"temperature\":1.0,\"humidity\":40.5}";
        NodeHarness.post(gateway + "/v1/streams/replays/events", withHumidity + "\n" + withHumidity + "\n{not json\n");
        JsonNode summary = JSON.readTree(NodeHarness.get(gateway + "/v1/dlq/replays").body());
        assertEquals(3, summary.get("deadLetters").asInt(), summary.toString());
        assertTrue(summary.get("reasons").toString().contains("unknown field 'humidity'"), summary.toString());
        assertTrue(NodeHarness.get(gateway + "/v1/dlq/replays/events?limit=1").body().contains("\"payload\":\"{\\\"device\\\":\\\"r1\\\""));

        // incompatible fix refused, compatible fix (new field with a default) accepted
        String breaking = NodeHarness.READINGS_SCHEMA.replace("{\"name\":\"temperature\",\"type\":\"double\"}",
                "{\"name\":\"temperature\",\"type\":\"double\"},{\"name\":\"humidity\",\"type\":\"double\"}");
        HttpResponse<String> refused = NodeHarness.post(gateway + "/v1/schemas/replays", breaking);
        assertEquals(409, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("READER_FIELD_MISSING_DEFAULT_VALUE"), refused.body());
        String fixed = breaking.replace("{\"name\":\"humidity\",\"type\":\"double\"}", "{\"name\":\"humidity\",\"type\":\"double\",\"default\":0}");
        assertEquals(200, NodeHarness.post(gateway + "/v1/schemas/replays", fixed).statusCode());

        JsonNode replay = JSON.readTree(NodeHarness.post(gateway + "/v1/dlq/replays/replay", "").body());
        assertEquals(2, replay.get("replayed").asInt(), replay.toString());
        assertEquals(1, replay.get("failedAgain").asInt(), replay.toString());
        JsonNode again = JSON.readTree(NodeHarness.post(gateway + "/v1/dlq/replays/replay", "").body());
        assertEquals(0, again.get("replayed").asInt(), again.toString());
        assertEquals(1, again.get("skippedParked").asInt(), again.toString());
        String metrics = NodeHarness.get(gateway + "/metrics").body();
        assertTrue(metrics.contains("platform_dlq_replays_total{outcome=\"replayed\"}") && metrics.contains("platform_dlq_replays_total{outcome=\"parked\"}"),
                "dead letters out are counted");
        NodeHarness.await("replayed events stored once", Duration.ofSeconds(30), () -> NodeHarness.queryFirstLine(node,
                "SELECT count(*) AS n, sum(humidity) AS h FROM replays").equals("{\"n\":2,\"h\":81.0}"));
    }

    @Test
    void acceptsTheSameBatchFramesOverAeronUdp() throws Exception {
        HttpResponse<String> registered = NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/viaaeron", NodeHarness.READINGS_SCHEMA);
        int schemaId = JSON.readTree(registered.body()).get("id").asInt();
        byte[][] values = new byte[3][];
        for (int i = 0; i < 3; i++) {
            values[i] = NodeHarness.wireEvent(schemaId, "aeron-" + i, 1_700_000_000_000L + i, i);
        }
        java.util.concurrent.CompletableFuture<String> ack = new java.util.concurrent.CompletableFuture<>();
        try (io.platform.ingest.client.GatewayClient client = io.platform.ingest.client.GatewayClient.connect(replies ->
                io.platform.network.aeron.AeronFrameClient.connect(node.aeronTransport(), node.aeronChannel(), 1001,
                        "aeron:udp?endpoint=127.0.0.1:0", io.platform.wire.IngestFrameLayout.MAX_FRAME_LENGTH, replies, 10_000))) {
            client.setAckListener(new io.platform.ingest.client.GatewayClient.AckListener() {
                @Override
                public void onAck(long correlationId, byte status, String reason) {
                }

                @Override
                public void onBatchAck(long correlationId, int accepted, int rejected, int failed, String firstReason) {
                    ack.complete(correlationId + ":" + accepted + "/" + rejected + "/" + failed);
                }
            });
            client.sendBatch("viaaeron", values, 3, System.currentTimeMillis() * 1_000_000L, 5);
            assertEquals("5:3/0/0", ack.get(10, java.util.concurrent.TimeUnit.SECONDS));
        }
        NodeHarness.await("events sent over Aeron queryable", Duration.ofSeconds(30),
                () -> NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM viaaeron").equals("{\"n\":3}"));
    }

    @Test
    void validatesRecordsProducedStraightToKafkaAndDeadLettersTheRest() throws Exception {
        HttpResponse<String> registered = NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/direct", NodeHarness.READINGS_SCHEMA);
        int schemaId = JSON.readTree(registered.body()).get("id").asInt();
        byte[] valid = NodeHarness.wireEvent(schemaId, "kafka-client", 1_700_000_000_000L, 3.25);
        Properties props = io.platform.deploy.node.PlatformNode.producerProps(node.bootstrapServers(), 0);
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer = new org.apache.kafka.clients.producer.KafkaProducer<>(props)) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(TopicNames.ingest("direct"), "kafka-client".getBytes(), valid)).get();
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(TopicNames.ingest("direct"), "x".getBytes(), "not avro".getBytes())).get();
        }
        NodeHarness.await("the valid record stored", Duration.ofSeconds(30), () -> NodeHarness.queryFirstLine(node,
                "SELECT device, temperature FROM direct").equals("{\"device\":\"kafka-client\",\"temperature\":3.25}"));
        List<ConsumerRecord<byte[], byte[]>> deadLetters = readAll(TopicNames.deadLetter("direct"), 1);
        assertEquals(1, deadLetters.size());
        assertEquals("storage", new String(deadLetters.get(0).headers().lastHeader(EventHeaders.DLQ_STAGE).value(), StandardCharsets.UTF_8));
        assertTrue(new String(deadLetters.get(0).headers().lastHeader(EventHeaders.DLQ_REASON).value(), StandardCharsets.UTF_8)
                .contains("without the gateway"));
    }

    @Test
    void speaksTheConfluentSchemaRegistryApiForKafkaTooling() throws Exception {
        String gateway = NodeHarness.gateway(node);
        String schema = NodeHarness.READINGS_SCHEMA.replace("\n", "").replace("\"", "\\\"");
        HttpResponse<String> registered = NodeHarness.post(gateway + "/subjects/ingest.confluent-value/versions", "{\"schema\":\"" + schema + "\"}");
        assertEquals(200, registered.statusCode(), registered.body());
        int id = JSON.readTree(registered.body()).get("id").asInt();
        assertTrue(JSON.readTree(NodeHarness.get(gateway + "/subjects").body()).toString().contains("\"ingest.confluent-value\""));
        assertEquals("[1]", NodeHarness.get(gateway + "/subjects/ingest.confluent-value/versions").body());
        JsonNode latest = JSON.readTree(NodeHarness.get(gateway + "/subjects/ingest.confluent-value/versions/latest").body());
        assertEquals(id, latest.get("id").asInt());
        assertTrue(JSON.readTree(NodeHarness.get(gateway + "/schemas/ids/" + id).body()).get("schema").asText().contains("temperature"));
        assertEquals("BACKWARD", JSON.readTree(NodeHarness.get(gateway + "/config/ingest.confluent-value").body()).get("compatibilityLevel").asText());
        String breaking = schema.replace("double", "string");
        JsonNode check = JSON.readTree(NodeHarness.post(gateway + "/compatibility/subjects/ingest.confluent-value/versions/latest",
                "{\"schema\":\"" + breaking + "\"}").body());
        assertEquals(false, check.get("is_compatible").asBoolean(), check.toString());
        HttpResponse<String> missing = NodeHarness.get(gateway + "/subjects/nosuch-value/versions");
        assertEquals(404, missing.statusCode());
        assertEquals(40401, JSON.readTree(missing.body()).get("error_code").asInt());
    }

    @Test
    void protobufStreamsAreValidatedStoredAggregatedQueriedAndProcessedLikeAvroOnes() throws Exception {
        String gateway = NodeHarness.gateway(node);
        String meter = "syntax = \"proto3\";\npackage energy;\nmessage Meter {\n  string meter = 1;\n  int64 ts = 2;\n  double kwh = 3;\n}\n";
        // registered the way Kafka tooling registers Protobuf with Confluent's registry
        HttpResponse<String> registered = NodeHarness.post(gateway + "/subjects/ingest.meters-value/versions",
                JSON.createObjectNode().put("schemaType", "PROTOBUF").put("schema", meter).toString());
        assertEquals(200, registered.statusCode(), registered.body());
        int id = JSON.readTree(registered.body()).get("id").asInt();
        JsonNode byId = JSON.readTree(NodeHarness.get(gateway + "/schemas/ids/" + id).body());
        assertEquals("PROTOBUF", byId.get("schemaType").asText());
        assertEquals(meter, byId.get("schema").asText());
        assertEquals(200, NodeHarness.post(gateway + "/v1/schemas/big_meters?schemaType=protobuf", meter).statusCode());

        long base = 1_700_000_100_000L - 1_700_000_100_000L % 60_000;
        // JSON over HTTP is checked against the message and travels as protobuf
        HttpResponse<String> accepted = NodeHarness.post(gateway + "/v1/streams/meters/events",
                "{\"meter\":\"m1\",\"ts\":" + base + ",\"kwh\":1.5}\n{\"meter\":\"m1\",\"ts\":" + (base + 100) + ",\"kwh\":2.5}\n");
        assertEquals(200, accepted.statusCode(), accepted.body());
        HttpResponse<String> wrongType = NodeHarness.post(gateway + "/v1/streams/meters/events", "{\"meter\":\"m1\",\"ts\":\"soon\",\"kwh\":1}");
        assertEquals(400, wrongType.statusCode(), wrongType.body());

        // a plain protobuf producer straight to Kafka (what generated code writes), and one whose bytes are not a Meter
        io.platform.wire.schema.ProtoSchema proto = io.platform.wire.schema.ProtoSchema.parse(meter);
        com.google.protobuf.Descriptors.Descriptor descriptor = proto.descriptor();
        byte[] message = com.google.protobuf.DynamicMessage.newBuilder(descriptor)
                .setField(descriptor.findFieldByName("meter"), "m2").setField(descriptor.findFieldByName("ts"), base + 200)
                .setField(descriptor.findFieldByName("kwh"), 4.0).build().toByteArray();
        Properties props = new Properties();
        props.put("bootstrap.servers", node.bootstrapServers());
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                props, new org.apache.kafka.common.serialization.ByteArraySerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(TopicNames.ingest("meters"), "m2".getBytes(StandardCharsets.UTF_8),
                    confluentProtobuf(id, message))).get();
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(TopicNames.ingest("meters"), "m3".getBytes(StandardCharsets.UTF_8),
                    confluentProtobuf(id, new byte[] {3 << 3, 5}))).get();
        }

        // binary frames over the gateway's TCP listener are decoded to check them, like JSON
        byte[] overTcp = com.google.protobuf.DynamicMessage.newBuilder(descriptor)
                .setField(descriptor.findFieldByName("meter"), "m3").setField(descriptor.findFieldByName("ts"), base + 300)
                .setField(descriptor.findFieldByName("kwh"), 0.25).build().toByteArray();
        try (io.platform.ingest.client.GatewayClient client = io.platform.ingest.client.GatewayClient.connect(node.host(), node.gatewayTcpPort())) {
            assertTrue(client.send("meters", confluentProtobuf(id, overTcp), 0).get(10, java.util.concurrent.TimeUnit.SECONDS).accepted());
            io.platform.ingest.client.GatewayClient.Ack refused = client.send("meters", confluentProtobuf(id, new byte[] {(1 << 3) | 2, 100}), 0)
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(io.platform.wire.IngestFrameLayout.STATUS_REJECTED, refused.status());
            assertTrue(refused.reason().contains("Protobuf body is not a record of the schema"), refused.reason());
        }

        // a SQL job reads the Protobuf stream and writes into another one
        HttpResponse<String> job = NodeHarness.HTTP.send(java.net.http.HttpRequest.newBuilder(URI.create(NodeHarness.query(node) + "/v1/jobs/big-meters/submit"))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("INSERT INTO big_meters SELECT meter, ts, kwh FROM meters WHERE kwh > 2")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, job.statusCode(), job.body());

        NodeHarness.await("the four meter readings stored", Duration.ofSeconds(60),
                () -> NodeHarness.rows(node, "SELECT meter, ts, kwh FROM meters ORDER BY ts").size() == 4);
        assertEquals(List.of(
                "{\"meter\":\"m1\",\"ts\":" + base + ",\"kwh\":1.5}",
                "{\"meter\":\"m1\",\"ts\":" + (base + 100) + ",\"kwh\":2.5}",
                "{\"meter\":\"m2\",\"ts\":" + (base + 200) + ",\"kwh\":4.0}",
                "{\"meter\":\"m3\",\"ts\":" + (base + 300) + ",\"kwh\":0.25}"),
                NodeHarness.rows(node, "SELECT meter, ts, kwh FROM meters ORDER BY ts"));
        List<ConsumerRecord<byte[], byte[]>> deadLetters = readAll(TopicNames.deadLetter("meters"), 3);
        assertTrue(deadLetters.stream().anyMatch(r -> new String(r.headers().lastHeader(EventHeaders.DLQ_REASON).value(), StandardCharsets.UTF_8)
                .contains("field 'kwh' (3) came with wire type 0")), "the bad protobuf record is dead-lettered by storage with the reason");

        // a later reading closes the windows; the stream's aggregation counted every reading
        NodeHarness.post(gateway + "/v1/streams/meters/events", "{\"meter\":\"m1\",\"ts\":" + (base + 60_000) + ",\"kwh\":0.5}");
        NodeHarness.await("the aggregates of the closed windows", Duration.ofSeconds(60), () -> NodeHarness.queryFirstLine(node,
                "SELECT sum(count) AS n, sum(kwh_sum) AS kwh FROM meters_1s WHERE window_start < " + (base + 60_000)).equals("{\"n\":4,\"kwh\":8.25}"));
        NodeHarness.await("the job's rows, encoded as protobuf into big_meters and stored", Duration.ofSeconds(60),
                () -> NodeHarness.rows(node, "SELECT meter, kwh FROM big_meters ORDER BY kwh").equals(List.of(
                        "{\"meter\":\"m1\",\"kwh\":2.5}", "{\"meter\":\"m2\",\"kwh\":4.0}")));

        // evolution by protobuf's rules: a new optional field is fine, a changed type is refused with the reason
        HttpResponse<String> added = NodeHarness.post(gateway + "/v1/schemas/meters?schemaType=PROTOBUF",
                meter.replace("double kwh = 3;", "double kwh = 3;\n  optional string site = 4;"));
        assertEquals(200, added.statusCode(), added.body());
        HttpResponse<String> changed = NodeHarness.post(gateway + "/v1/schemas/meters?schemaType=PROTOBUF", meter.replace("double kwh", "float kwh"));
        assertEquals(409, changed.statusCode(), changed.body());
        HttpResponse<String> avro = NodeHarness.post(gateway + "/v1/schemas/meters", NodeHarness.READINGS_SCHEMA);
        assertEquals(409, avro.statusCode(), avro.body());
        assertTrue(avro.body().contains("is declared in PROTOBUF"), avro.body());
        assertEquals(200, NodeHarness.post(NodeHarness.query(node) + "/v1/jobs/big-meters/cancel", "").statusCode());
    }

    /** Confluent's Protobuf framing: magic byte, schema id, message-index path [0] (one zero byte), the message. */
    private static byte[] confluentProtobuf(int schemaId, byte[] message) {
        byte[] body = new byte[message.length + 1];
        System.arraycopy(message, 0, body, 1, message.length);
        return io.platform.wire.WireFormat.encode(schemaId, body);
    }

    @Test
    void createsAStreamsTopicsWithTheRequestedPartitions() throws Exception {
        assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/wide?partitions=5", NodeHarness.READINGS_SCHEMA).statusCode());
        Properties props = new Properties();
        props.put("bootstrap.servers", node.bootstrapServers());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            var topics = admin.describeTopics(List.of(TopicNames.ingest("wide"), TopicNames.deadLetter("wide"))).allTopicNames().get();
            assertEquals(5, topics.get(TopicNames.ingest("wide")).partitions().size());
            assertEquals(1, topics.get(TopicNames.deadLetter("wide")).partitions().size());
        }
        assertEquals(422, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/wider?partitions=many", NodeHarness.READINGS_SCHEMA).statusCode());
        assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/fsynced?durability=sync", NodeHarness.READINGS_SCHEMA).statusCode());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            var resource = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, TopicNames.ingest("fsynced"));
            assertEquals("1", admin.describeConfigs(List.of(resource)).all().get().get(resource).get("flush.messages").value(),
                    "a sync stream's broker fsyncs every append before acknowledging");
        }
        assertEquals(422, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/lazy?durability=eventually", NodeHarness.READINGS_SCHEMA).statusCode());
    }

    @Test
    void accountsForEventsTooLateForTheirWindowInTheDeadLetterTopic() throws Exception {
        String gateway = NodeHarness.gateway(node);
        assertEquals(200, NodeHarness.post(gateway + "/v1/schemas/lates", NodeHarness.READINGS_SCHEMA).statusCode());
        long t0 = 1_700_000_000_000L;
        NodeHarness.post(gateway + "/v1/streams/lates/events", "{\"device\":\"a\",\"ts\":" + (t0 + 10_000) + ",\"temperature\":1}");
        // the window of that event closes once the stream's watermark passed it
        NodeHarness.await("the first window emitted", Duration.ofSeconds(60),
                () -> NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM lates_1s").equals("{\"n\":1}"));
        NodeHarness.post(gateway + "/v1/streams/lates/events", "{\"device\":\"a\",\"ts\":" + t0 + ",\"temperature\":2}");
        List<ConsumerRecord<byte[], byte[]>> deadLetters = readAll(TopicNames.deadLetter("lates"), 1);
        assertEquals(1, deadLetters.size());
        assertEquals("process", new String(deadLetters.get(0).headers().lastHeader(EventHeaders.DLQ_STAGE).value(), StandardCharsets.UTF_8));
        assertTrue(new String(deadLetters.get(0).headers().lastHeader(EventHeaders.DLQ_REASON).value(), StandardCharsets.UTF_8)
                .contains("late for its window"));
        assertTrue(new String(deadLetters.get(0).value(), StandardCharsets.UTF_8).contains("\"eventTimeMs\":" + t0));
        NodeHarness.await("the late event is still stored raw", Duration.ofSeconds(30),
                () -> NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM lates").equals("{\"n\":2}"));
        JsonNode replay = JSON.readTree(NodeHarness.post(gateway + "/v1/dlq/lates/replay", "").body());
        assertEquals(0, replay.get("replayed").asInt(), "late-event records describe events; they are not replayed: " + replay);
    }

    @Test
    void listsOneRunningAggregationJobPerStream() throws Exception {
        NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/jobbed", NodeHarness.READINGS_SCHEMA);
        NodeHarness.await("the stream's job running", Duration.ofSeconds(30), () -> {
            try {
                return NodeHarness.get(NodeHarness.query(node) + "/v1/jobs").body()
                        .contains("\"stream\":\"jobbed\",\"kind\":\"aggregation\",\"job\":");
            } catch (Exception e) {
                return false;
            }
        });
        String jobs = NodeHarness.get(NodeHarness.query(node) + "/v1/jobs").body();
        for (String line : jobs.split("\n")) {
            JsonNode job = JSON.readTree(line);
            assertTrue(job.get("name").asText().equals("platform-aggregation-" + job.get("stream").asText()), line);
            assertEquals("aggregation", job.get("kind").asText(), line);
        }
    }

    @Test
    void edgeAgentForwardsATailedFileAndResumesWithoutLosingOrRepeatingLines() throws Exception {
        NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/tailed", NodeHarness.READINGS_SCHEMA);
        Path file = dataDir.resolve("edge.ndjson");
        java.nio.file.Files.writeString(file, lines(0, 100));
        URI gateway = URI.create(NodeHarness.gateway(node));
        io.platform.ingest.agent.FileTailAgent agent = new io.platform.ingest.agent.FileTailAgent(file, "tailed", gateway, 40, 20, m -> { });
        Thread running = NodeHarness.background(agent::run);
        NodeHarness.await("the file's 100 lines stored", Duration.ofSeconds(30),
                () -> NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM tailed").equals("{\"n\":100}"));
        java.nio.file.Files.writeString(file, lines(100, 50) + "{\"device\":\"partial", java.nio.file.StandardOpenOption.APPEND);
        NodeHarness.await("appended lines stored, the partial line waiting", Duration.ofSeconds(30),
                () -> NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM tailed").equals("{\"n\":150}"));
        agent.close();
        running.join(10_000);

        // a new agent on the same file resumes at the saved offset: the partial line completes, nothing is sent twice
        java.nio.file.Files.writeString(file, "\",\"ts\":1,\"temperature\":1}\n" + lines(150, 10), java.nio.file.StandardOpenOption.APPEND);
        io.platform.ingest.agent.FileTailAgent resumed = new io.platform.ingest.agent.FileTailAgent(file, "tailed", gateway, 40, 20, m -> { });
        Thread again = NodeHarness.background(resumed::run);
        NodeHarness.await("161 lines stored exactly once", Duration.ofSeconds(30),
                () -> NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM tailed").equals("{\"n\":161}"));
        Thread.sleep(500);
        // a query that fails on a loaded host is asked again; only an answer counts
        assertEquals(java.util.List.of("{\"n\":161}"), NodeHarness.answeredRows(node, "SELECT count(*) AS n FROM tailed"));
        resumed.close();
        again.join(10_000);
    }

    private static String lines(int from, int count) {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            out.append("{\"device\":\"e").append(i).append("\",\"ts\":").append(1_700_000_000_000L + i).append(",\"temperature\":1}\n");
        }
        return out.toString();
    }

    @Test
    void servesACpuFlameGraphOfTheRunningNode() throws Exception {
        HttpResponse<String> svg = NodeHarness.get(NodeHarness.query(node) + "/v1/profile?seconds=1");
        assertEquals(200, svg.statusCode());
        assertTrue(svg.body().startsWith("<svg") && svg.body().contains("samples"), svg.body().substring(0, Math.min(300, svg.body().length())));
        assertEquals(400, NodeHarness.get(NodeHarness.query(node) + "/v1/profile?seconds=999").statusCode());
        JsonNode diagnosis = JSON.readTree(NodeHarness.get(NodeHarness.gateway(node) + "/v1/diagnose?last=60").body());
        assertTrue(diagnosis.get("findings").isArray(), diagnosis.toString());
    }

    @Test
    void syntheticProbeSeesItsEventQueryableAndCountsTheRun() throws Exception {
        long latencyMs = node.probe().runOnce();
        assertTrue(latencyMs >= 0 && latencyMs < 10_000, "probe latency " + latencyMs);
        String metrics = NodeHarness.get(NodeHarness.gateway(node) + "/metrics").body();
        assertTrue(metrics.contains("platform_probe_runs_total{outcome=\"ok\"}"), "probe runs are counted");
        assertTrue(metrics.contains("platform_probe_latency_ms"), "probe latency is a metric");
    }

    @Test
    void everyMetricTheShippedAlertRulesAndGrafanaDashboardUseIsExposed() throws Exception {
        NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/metered", NodeHarness.READINGS_SCHEMA);
        NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/metered/events", "{\"device\":\"m\",\"ts\":1,\"temperature\":1}\n{bad\n");
        node.probe().runOnce();
        String metrics = NodeHarness.get(NodeHarness.gateway(node) + "/metrics").body();
        for (String file : new String[] {"observability/prometheus-alerts.yml", "observability/grafana-dashboard.json"}) {
            java.util.regex.Matcher names = java.util.regex.Pattern.compile("platform_[a-z_]+").matcher(java.nio.file.Files.readString(Path.of(file)));
            int checked = 0;
            while (names.find()) {
                String name = names.group();
                if (name.equals("platform_pipeline") || name.equals("platform_probe")) {
                    continue;
                }
                assertTrue(metrics.contains(name), file + " uses " + name + ", which /metrics does not expose");
                checked++;
            }
            assertTrue(checked > 5, file + " references metrics");
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        return NodeHarness.readAll(node.bootstrapServers(), topic, expected);
    }

    @Test
    void aStreamsJobTakesASavepointIsCanceledAndStartsAgainFromIt() throws Exception {
        assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/jobctl", NodeHarness.READINGS_SCHEMA).statusCode());
        String jobs = NodeHarness.query(node) + "/v1/jobs";
        NodeHarness.await("the stream's job running", Duration.ofSeconds(60), () -> jobLine(jobs, "jobctl").contains("\"status\":\"RUNNING\""));
        NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/jobctl/events", "{\"device\":\"j\",\"ts\":1700000000000,\"temperature\":1}");

        HttpResponse<String> savepoint = null;
        long deadline = System.currentTimeMillis() + 60_000;
        // a savepoint needs every task of the job running, a moment after the job itself reports RUNNING
        while (System.currentTimeMillis() < deadline && (savepoint == null || savepoint.statusCode() != 200)) {
            savepoint = NodeHarness.post(jobs + "/jobctl/savepoint", "");
            Thread.sleep(savepoint.statusCode() == 200 ? 0 : 500);
        }
        assertEquals(200, savepoint.statusCode(), savepoint.body());
        String path = JSON.readTree(savepoint.body()).get("savepoint").asText();
        assertTrue(java.nio.file.Files.exists(Path.of(path).resolve("_metadata")), "savepoint written: " + path);

        assertEquals(200, NodeHarness.post(jobs + "/jobctl/cancel", "").statusCode());
        assertEquals("", jobLine(jobs, "jobctl"), "a canceled job is no longer listed");

        HttpResponse<String> refused = NodeHarness.post(jobs + "/jobctl/start?from=" + dataDir.resolve("nowhere"), "");
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("no savepoint"), refused.body());

        HttpResponse<String> started = NodeHarness.post(jobs + "/jobctl/start?from=" + java.net.URLEncoder.encode(path, StandardCharsets.UTF_8), "");
        assertEquals(200, started.statusCode(), started.body());
        assertEquals(path, JSON.readTree(started.body()).get("restoredFrom").asText());
        NodeHarness.await("running again from the savepoint", Duration.ofSeconds(60),
                () -> jobLine(jobs, "jobctl").contains("\"status\":\"RUNNING\"") && jobLine(jobs, "jobctl").contains("savepoint-"));
    }

    private static String jobLine(String jobsUrl, String stream) {
        try {
            return NodeHarness.get(jobsUrl).body().lines().filter(l -> l.contains("\"stream\":\"" + stream + "\"")).findFirst().orElse("");
        } catch (Exception e) {
            return "";
        }
    }
}
