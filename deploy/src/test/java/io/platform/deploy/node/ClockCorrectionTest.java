package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.network.clock.TimeServer;
import io.platform.wire.EpochClock;
import io.platform.wire.EventHeaders;
import io.platform.wire.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node synced to a reference peer whose clock runs 250 ms ahead stamps events on the reference's time scale and
 * reports the offset as a metric.
 */
class ClockCorrectionTest {
    private static final long SKEW_NS = 250_000_000L;

    @TempDir
    Path dataDir;

    @Test
    void stampsEventsWithTheReferenceClockAndReportsTheOffset() throws Exception {
        try (TimeServer reference = new TimeServer("127.0.0.1", 0, () -> EpochClock.rawNowNs() + SKEW_NS);
             PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts()
                     .set("node.role", "ingest").set("probe.enabled", "false").set("clock.server.port", "0")
                     .set("clock.reference", "127.0.0.1:" + reference.port()).set("clock.sync.interval", "200ms").build())) {
            assertTrue(node.clockServerPort() > 0, "the node answers time requests too");
            assertEquals(SKEW_NS, EpochClock.correctionNs(), 5_000_000, "offset measured within 5 ms");
            NodeHarness.await("the offset as a metric", Duration.ofSeconds(10), () -> {
                try {
                    String metrics = NodeHarness.get(NodeHarness.gateway(node) + "/metrics").body();
                    return metrics.lines().anyMatch(l -> l.startsWith("platform_clock_offset_seconds") && Math.abs(Double.parseDouble(l.split(" ")[1]) - 0.25) < 0.005);
                } catch (Exception e) {
                    return false;
                }
            });

            node.registry().register("clocked", NodeHarness.READINGS_SCHEMA, null, null);
            long before = EpochClock.rawNowNs();
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/clocked/events",
                    "{\"device\":\"a\",\"ts\":1,\"temperature\":1}").statusCode());
            long after = EpochClock.rawNowNs();
            long stamped = EventHeaders.readTime(firstRecord(node).headers(), EventHeaders.SEND_TIME_OFFSET, -1);
            assertTrue(stamped >= before + SKEW_NS - 5_000_000 && stamped <= after + SKEW_NS + 5_000_000,
                    "stamped on the reference's scale: " + (stamped - before) / 1e6 + " ms after the local send");
        } finally {
            EpochClock.setCorrectionNs(0);
        }
    }

    private static ConsumerRecord<byte[], byte[]> firstRecord(PlatformNode node) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "clock-test");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TopicNames.ingest("clocked")));
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    return record;
                }
            }
        }
        throw new AssertionError("no record in " + TopicNames.ingest("clocked"));
    }
}
