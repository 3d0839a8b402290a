package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream configured as bulk (storage.bulk-streams) is stored by a writer of its own under an I/O budget: a large
 * load into it trickles in at the budget, while another stream's event is stored at once, not behind it.
 */
class StorageQosTest {
    // ~4 MiB of events, ~4 s at the 1 MiB/s budget: wide events, so that sending them (a few HTTP requests) takes a
    // fraction of the time storing them may, even on a loaded host (40,000 small events once took longer to send
    // than their 1.6 MB took to store)
    private static final int BULK_EVENTS = 8_000;
    private static final String WIDE = "x".repeat(480);

    @TempDir
    Path dataDir;

    @Test
    void aBackfillIntoABulkStreamIsThrottledWithoutDelayingOtherStreams() throws Exception {
        try (PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts()
                .set("probe.enabled", "false").set("storage.bulk-streams", "history:1").build())) {
            node.registry().register("history", NodeHarness.READINGS_SCHEMA, null, null);
            node.registry().register("live", NodeHarness.READINGS_SCHEMA, null, null);
            for (int from = 0; from < BULK_EVENTS; from += 1_000) {
                StringBuilder ndjson = new StringBuilder();
                for (int i = from; i < from + 1_000; i++) {
                    ndjson.append("{\"device\":\"backfill-").append(WIDE).append(i % 50).append("\",\"ts\":").append(1_600_000_000_000L + i)
                            .append(",\"temperature\":").append(i).append("}\n");
                }
                assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/history/events", ndjson.toString()).statusCode());
            }
            long sentLive = System.nanoTime();
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/live/events",
                    "{\"device\":\"now\",\"ts\":1700000000000,\"temperature\":1}").statusCode());
            // the bound is generous for a loaded host; what is asserted is the order: the live event is stored while
            // the throttled backfill is still far from done (historyThen below)
            NodeHarness.await("the live event stored while the backfill trickles", Duration.ofSeconds(60),
                    () -> NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM live").equals("{\"n\":1}"));
            long liveMs = (System.nanoTime() - sentLive) / 1_000_000;
            long historyThen = count(node, "history");
            assertTrue(historyThen < BULK_EVENTS, "the backfill is held to 1 MiB/s: " + historyThen + " of " + BULK_EVENTS
                    + " stored when the live event was, " + liveMs + " ms after it was sent");
            NodeHarness.await("the whole backfill stored in the end", Duration.ofSeconds(60), () -> {
                try {
                    return count(node, "history") == BULK_EVENTS;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            String metrics = NodeHarness.get(NodeHarness.gateway(node) + "/metrics").body();
            assertTrue(metrics.contains("platform_storage_qos_throttled_ns_total{tenant=\"history\"}"), "waiting time is a metric");
        }
    }

    /** The stream's row count from an answered query (a failed one is asked again: it must not read as a count). */
    private static long count(PlatformNode node, String stream) throws InterruptedException {
        String line = NodeHarness.answeredRows(node, "SELECT count(*) AS n FROM " + stream).get(0);
        return Long.parseLong(line.substring(5, line.length() - 1));
    }
}
