package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A clean stop and start on the same data directory keeps schemas, raw events and aggregates. */
class NodeRestartTest {
    @TempDir
    Path dataDir;

    private NodeConfig config() {
        return NodeConfig.builder().dataDir(dataDir).ephemeralPorts().set("aggregation.window", "1s")
                .set("aggregation.out-of-orderness", "100ms").set("aggregation.idleness", "1s")
                .set("flink.checkpoint.interval", "1s").build();
    }

    @Test
    void shouldKeepSchemasEventsAndAggregatesAcrossRestart() throws Exception {
        long base = 1_700_000_000_000L;
        String aggregates;
        String schemaId;
        try (PlatformNode node = PlatformNode.start(config())) {
            var registered = NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/readings", NodeHarness.READINGS_SCHEMA);
            assertEquals(200, registered.statusCode());
            schemaId = registered.body().replaceAll(".*\"id\":(\\d+).*", "$1");
            StringBuilder ndjson = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                ndjson.append("{\"device\":\"d").append(i % 2).append("\",\"ts\":").append(base + i * 20L).append(",\"temperature\":").append(i).append("}\n");
            }
            ndjson.append("{\"device\":\"d0\",\"ts\":").append(base + 30_000).append(",\"temperature\":0}\n");
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/readings/events", ndjson.toString()).statusCode());
            NodeHarness.await("events stored", Duration.ofSeconds(30),
                    () -> NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM readings").equals("{\"n\":201}"));
            NodeHarness.await("aggregates of closed windows", Duration.ofSeconds(60), () -> NodeHarness.queryFirstLine(node,
                    "SELECT sum(count) AS n FROM readings_1s WHERE window_start < " + (base + 30_000)).equals("{\"n\":200}"));
            aggregates = NodeHarness.post(NodeHarness.query(node) + "/v1/query",
                    "SELECT device, window_start, count, temperature_sum FROM readings_1s ORDER BY device, window_start").body();
        }
        try (PlatformNode node = PlatformNode.start(config())) {
            String schema = NodeHarness.get(NodeHarness.gateway(node) + "/v1/schemas/readings").body();
            assertTrue(schema.contains("\"id\":" + schemaId + ","), "same schema id " + schemaId + " after restart: " + schema);
            assertEquals("{\"n\":201,\"s\":19900.0}", NodeHarness.queryFirstLine(node, "SELECT count(*) AS n, sum(temperature) AS s FROM readings"));
            assertEquals(aggregates, NodeHarness.post(NodeHarness.query(node) + "/v1/query",
                    "SELECT device, window_start, count, temperature_sum FROM readings_1s ORDER BY device, window_start").body());
            // the restarted node keeps taking events for the registered stream
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/readings/events",
                    "{\"device\":\"d9\",\"ts\":" + base + ",\"temperature\":1.5}").statusCode());
            NodeHarness.await("new event stored after restart", Duration.ofSeconds(30),
                    () -> NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM readings").equals("{\"n\":202}"));
        }
    }
}
