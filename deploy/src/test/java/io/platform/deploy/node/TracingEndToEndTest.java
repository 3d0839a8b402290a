package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.platform.observability.tracing.Tracing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One trace follows a batch from the gateway through Kafka (traceparent in the record headers) to the storage commit. */
class TracingEndToEndTest {
    @TempDir
    Path dataDir;

    @Test
    void storageCommitIsAChildOfTheGatewayBatchSpanAcrossKafka() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (Tracing tracing = Tracing.install(exporter, 1.0, "platform-test", false);
             PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts().set("probe.enabled", "false").build())) {
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/traced", NodeHarness.READINGS_SCHEMA).statusCode());
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/traced/events",
                    "{\"device\":\"a\",\"ts\":1,\"temperature\":1}\n{\"device\":\"b\",\"ts\":2,\"temperature\":2}").statusCode());
            // each span is exported when it ends, on its own thread: the gateway's may end after the commit's
            awaitSpans(exporter, "ingest.http", "store.commit");
            List<SpanData> spans = exporter.getFinishedSpanItems();
            SpanData ingest = spans.stream().filter(s -> s.getName().equals("ingest.http")).findFirst().orElseThrow();
            SpanData commit = spans.stream().filter(s -> s.getName().equals("store.commit")).findFirst().orElseThrow();
            assertEquals(ingest.getTraceId(), commit.getTraceId(), "one trace across the hop");
            assertEquals(ingest.getSpanId(), commit.getParentSpanId(), "the commit is the gateway batch's child");
            assertEquals("traced", ingest.getAttributes().get(Tracing.STREAM));
            assertEquals(2L, ingest.getAttributes().get(Tracing.EVENTS));
            assertTrue(commit.getEndEpochNanos() >= commit.getStartEpochNanos());
        }
    }

    @Test
    void anEdgeAgentBatchStartsTheTraceThatTheGatewayAndStorageContinue() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (Tracing tracing = Tracing.install(exporter, 1.0, "platform-test", false);
             PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts().set("probe.enabled", "false").build())) {
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/edge", NodeHarness.READINGS_SCHEMA).statusCode());
            Path file = dataDir.resolve("edge.ndjson");
            java.nio.file.Files.writeString(file, "{\"device\":\"a\",\"ts\":1,\"temperature\":1}\n");
            io.platform.ingest.agent.FileTailAgent agent = new io.platform.ingest.agent.FileTailAgent(file, "edge",
                    java.net.URI.create(NodeHarness.gateway(node)), 100, 10, m -> { });
            Thread running = NodeHarness.background(agent::run);
            awaitSpans(exporter, "agent.batch", "ingest.http", "store.commit");
            agent.close();
            running.join(10_000);
            List<SpanData> spans = exporter.getFinishedSpanItems();
            SpanData batch = spans.stream().filter(s -> s.getName().equals("agent.batch")).findFirst().orElseThrow();
            SpanData ingest = spans.stream().filter(s -> s.getName().equals("ingest.http")).findFirst().orElseThrow();
            SpanData commit = spans.stream().filter(s -> s.getName().equals("store.commit")).findFirst().orElseThrow();
            assertEquals(batch.getSpanId(), ingest.getParentSpanId(), "the gateway continues the agent's trace (traceparent header)");
            assertEquals(ingest.getSpanId(), commit.getParentSpanId(), "storage continues it across Kafka");
            assertEquals(batch.getTraceId(), commit.getTraceId());
        }
    }

    @Test
    void aSyntheticProbeIsOneTraceFromItsEventThroughFlinkAndStorageToTheQueryThatFindsIt() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (Tracing tracing = Tracing.install(exporter, 1.0, "platform-test", false);
             PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts()
                     .set("probe.interval", "1s").set("aggregation.window", "1s").set("aggregation.idleness", "1s").build())) {
            // the query span ends on the server after its answer went out, so it may be exported after the probe's
            NodeHarness.await("a finished probe span with its Flink, commit and query spans", Duration.ofSeconds(120),
                    () -> exporter.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals("probe") && !s.getStatus().getStatusCode()
                            .equals(io.opentelemetry.api.trace.StatusCode.ERROR) && hasFlinkSpan(exporter, s.getTraceId())
                            && hasSpan(exporter, s.getTraceId(), "query")));
            List<SpanData> spans = exporter.getFinishedSpanItems();
            SpanData probe = spans.stream().filter(s -> s.getName().equals("probe") && hasFlinkSpan(exporter, s.getTraceId())
                    && hasSpan(exporter, s.getTraceId(), "query")).findFirst().orElseThrow();
            List<SpanData> trace = spans.stream().filter(s -> s.getTraceId().equals(probe.getTraceId())).toList();
            SpanData flink = trace.stream().filter(s -> s.getName().equals("flink.process")).findFirst().orElseThrow();
            SpanData commit = trace.stream().filter(s -> s.getName().equals("store.commit")).findFirst().orElseThrow(() -> new AssertionError(names(trace)));
            SpanData query = trace.stream().filter(s -> s.getName().equals("query")).reduce((a, b) -> b).orElseThrow(() -> new AssertionError(names(trace)));
            assertEquals(probe.getSpanId(), flink.getParentSpanId(), "the Flink job continues the event's trace from its Kafka headers");
            assertEquals(probe.getSpanId(), commit.getParentSpanId(), "so does the storage writer");
            assertEquals(probe.getSpanId(), query.getParentSpanId(), "and the query that read the event back runs in it");
            assertEquals("platform_probe", flink.getAttributes().get(Tracing.STREAM));
            // the row became visible during the commit's write, which ended with the span
            assertTrue(query.getEndEpochNanos() >= commit.getEndEpochNanos() - commit.getAttributes().get(Tracing.WRITE_NANOS),
                    "the query that found the row ended after the commit's write began");
        }
    }

    @Test
    void aQueryOverHttpJoinsTheTraceItsClientSent() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (Tracing tracing = Tracing.install(exporter, 1.0, "platform-test", false);
             PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts().set("probe.enabled", "false").build())) {
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/asked", NodeHarness.READINGS_SCHEMA).statusCode());
            String traceId = "5b8efff798038103d269b633813fc60c";
            java.net.http.HttpResponse<String> answer = NodeHarness.HTTP.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(NodeHarness.query(node) + "/v1/query"))
                    .header("traceparent", "00-" + traceId + "-eee19b7ec3c1b174-01")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("SELECT count(*) FROM asked")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            // the span ends after the answer went out
            awaitSpans(exporter, "query");
            SpanData query = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("query")).findFirst().orElseThrow();
            assertEquals(traceId, query.getTraceId());
            assertEquals("eee19b7ec3c1b174", query.getParentSpanId());
            assertEquals("asked", query.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("db.collection.name")));
        }
    }

    @Test
    void aBinaryBatchCarriesItsClientsTraceOverTcp() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (Tracing tracing = Tracing.install(exporter, 1.0, "platform-test", false);
             PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts().set("probe.enabled", "false").build())) {
            java.net.http.HttpResponse<String> registered = NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/bintraced", NodeHarness.READINGS_SCHEMA);
            int schemaId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(registered.body()).get("id").asInt();
            byte[] value = NodeHarness.wireEvent(schemaId, "dev", 1_700_000_000_000L, 3.5);
            String traceId = "7f3a9d1c2b4e5f60718293a4b5c6d7e8";
            byte[] traceparent = ("00-" + traceId + "-1a2b3c4d5e6f7081-01").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            try (io.platform.ingest.client.GatewayClient client = io.platform.ingest.client.GatewayClient.connect(node.host(), node.gatewayTcpPort())) {
                java.util.concurrent.CompletableFuture<int[]> acked = NodeHarness.nextBatchAck(client);
                client.sendBatch("bintraced", new byte[][] {value, value}, 2, 0, 1, traceparent);
                assertEquals("[1, 2, 0, 0]", java.util.Arrays.toString(acked.get(30, java.util.concurrent.TimeUnit.SECONDS)), "both events accepted");
            }
            NodeHarness.await("a store.commit span in the client's trace", Duration.ofSeconds(60),
                    () -> exporter.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals("store.commit") && s.getTraceId().equals(traceId)));
            awaitSpans(exporter, "ingest.tcp.batch");
            SpanData batch = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("ingest.tcp.batch")).findFirst().orElseThrow();
            assertEquals(traceId, batch.getTraceId());
            assertEquals("1a2b3c4d5e6f7081", batch.getParentSpanId(), "the gateway's batch span is the client span's child");
        }
    }

    /** Waits until a span of each name has ended (been exported). */
    private static void awaitSpans(InMemorySpanExporter exporter, String... names) throws InterruptedException {
        for (String name : names) {
            NodeHarness.await("a finished " + name + " span", Duration.ofSeconds(60),
                    () -> exporter.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals(name)));
        }
    }

    private static boolean hasSpan(InMemorySpanExporter exporter, String traceId, String name) {
        return exporter.getFinishedSpanItems().stream().anyMatch(s -> s.getTraceId().equals(traceId) && s.getName().equals(name));
    }

    private static boolean hasFlinkSpan(InMemorySpanExporter exporter, String traceId) {
        return exporter.getFinishedSpanItems().stream().anyMatch(s -> s.getTraceId().equals(traceId) && s.getName().equals("flink.process"))
                && exporter.getFinishedSpanItems().stream().anyMatch(s -> s.getTraceId().equals(traceId) && s.getName().equals("store.commit"));
    }

    private static List<String> names(List<SpanData> spans) {
        return spans.stream().map(SpanData::getName).toList();
    }
}
