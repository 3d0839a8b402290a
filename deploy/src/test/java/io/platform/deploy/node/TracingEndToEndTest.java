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
            NodeHarness.await("a store.commit span", Duration.ofSeconds(30),
                    () -> exporter.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals("store.commit")));
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
            NodeHarness.await("a store.commit span", Duration.ofSeconds(30),
                    () -> exporter.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals("store.commit")));
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
}
