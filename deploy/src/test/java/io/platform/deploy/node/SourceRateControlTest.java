package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the AIMD source rate control and buffer debloating on, the aggregation reads through the rate-controlled source
 * (its limit and signal are metrics) and its windows still equal the raw events exactly. What the controls do under a
 * slowdown is measured by {@code platform bench backpressure} (docs/benchmarks.md), not asserted here.
 */
class SourceRateControlTest {
    private static final long BASE = 1_700_000_000_000L;
    private static final int EVENTS = 20_000;

    @TempDir
    Path dataDir;

    @Test
    void theAggregationRunsExactlyThroughTheRateControlledSource() throws Exception {
        try (PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts()
                .set("flink.source.rate-control", "aimd").set("flink.network.debloat-target", "100ms")
                .set("aggregation.window", "1s").set("aggregation.out-of-orderness", "100ms").set("aggregation.idleness", "2s")
                .set("flink.checkpoint.interval", "1s").set("storage.seal.after", "off").set("probe.enabled", "false").build())) {
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/readings", NodeHarness.READINGS_SCHEMA).statusCode());
            StringBuilder events = new StringBuilder();
            for (int i = 0; i < EVENTS; i++) {
                events.append("{\"device\":\"d").append(i % 7).append("\",\"ts\":").append(BASE + i).append(",\"temperature\":").append(i % 50).append("}\n");
            }
            events.append("{\"device\":\"d1\",\"ts\":").append(BASE + EVENTS + 10_000).append(",\"temperature\":0}\n");
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/readings/events", events.toString()).statusCode());

            NodeHarness.await("every closed window aggregated", Duration.ofSeconds(90),
                    () -> NodeHarness.rows(node, "SELECT sum(count) AS n FROM readings_1s WHERE window_start < " + (BASE + EVENTS))
                            .equals(java.util.List.of("{\"n\":" + EVENTS + "}")));
            assertEquals(NodeHarness.rows(node, "SELECT device, count(*) AS n, sum(temperature) AS s FROM readings WHERE ts < " + (BASE + EVENTS)
                            + " GROUP BY device ORDER BY device"),
                    NodeHarness.rows(node, "SELECT device, sum(count) AS n, sum(temperature_sum) AS s FROM readings_1s WHERE window_start < "
                            + (BASE + EVENTS) + " GROUP BY device ORDER BY device"));
            String metrics = NodeHarness.get(NodeHarness.query(node) + "/metrics").body();
            assertTrue(metrics.contains("platform_flink_source_rate_limit{") && metrics.contains("platform_flink_source_backpressured_ratio{"),
                    "the source's limit and back-pressure signal are exported");
        }
    }
}
