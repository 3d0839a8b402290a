package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code aggregation.salting}, a hot series is split over the window subtasks and merged back in a second stage:
 * the aggregates are the same as without it, to the event.
 */
class SaltedAggregationTest {
    private static final long BASE = 1_700_000_000_000L;
    private static final int EVENTS = 50_000;

    @TempDir
    Path dataDir;

    @Test
    void aHotSeriesSaltedAcrossSubtasksAggregatesExactly() throws Exception {
        // one partial per event (no pre-aggregation), so each salting subtask samples 20,000 partials and salts the hot series
        try (PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts()
                .set("aggregation.salting", "true").set("aggregation.pre-aggregate", "false").set("flink.parallelism", "2")
                .set("aggregation.window", "1s").set("aggregation.out-of-orderness", "100ms").set("aggregation.idleness", "2s")
                .set("flink.checkpoint.interval", "1s").set("storage.seal.after", "off").set("probe.enabled", "false").build())) {
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/readings", NodeHarness.READINGS_SCHEMA).statusCode());
            StringBuilder events = new StringBuilder();
            for (int i = 0; i < EVENTS; i++) {
                String device = i % 5 < 3 ? "hot" : "d" + (i % 40);
                events.append("{\"device\":\"").append(device).append("\",\"ts\":").append(BASE + i).append(",\"temperature\":").append(i % 100).append("}\n");
            }
            events.append("{\"device\":\"d1\",\"ts\":").append(BASE + EVENTS + 10_000).append(",\"temperature\":0}\n");
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/readings/events", events.toString()).statusCode());

            String aggregated = "SELECT device, sum(count) AS n, sum(temperature_sum) AS s, max(temperature_max) AS hi FROM readings_1s"
                    + " WHERE window_start < " + (BASE + EVENTS) + " GROUP BY device ORDER BY device";
            String raw = "SELECT device, count(*) AS n, sum(temperature) AS s, max(temperature) AS hi FROM readings"
                    + " WHERE ts < " + (BASE + EVENTS) + " GROUP BY device ORDER BY device";
            NodeHarness.await("every closed window aggregated", Duration.ofSeconds(120),
                    () -> NodeHarness.rows(node, "SELECT sum(count) AS n FROM readings_1s WHERE window_start < " + (BASE + EVENTS))
                            .equals(java.util.List.of("{\"n\":" + EVENTS + "}")));
            assertEquals(NodeHarness.rows(node, raw), NodeHarness.rows(node, aggregated), "per series: count, sum and max as from the raw events");
        }
    }
}
