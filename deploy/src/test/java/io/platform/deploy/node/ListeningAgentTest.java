package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.ingest.agent.ListeningAgent;
import io.platform.wire.TopicNames;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge agent in port mode: lines written to its port while the gateway is down wait in the disk spool and reach
 * the platform, in order and exactly once, when the gateway comes up.
 */
class ListeningAgentTest {
    private static final int LINES = 3000;

    @TempDir
    Path dataDir;

    @TempDir
    Path spoolDir;

    @Test
    void spoolsWhileTheGatewayIsDownAndDrainsInOrderWhenItComesBack() throws Exception {
        int gatewayPort;
        try (ServerSocket free = new ServerSocket(0)) {
            gatewayPort = free.getLocalPort();
        }
        URI gateway = URI.create("http://127.0.0.1:" + gatewayPort);
        try (ListeningAgent agent = new ListeningAgent("127.0.0.1", 0, spoolDir, "edge", gateway, 500, 50, m -> { })) {
            Thread forwarding = NodeHarness.background(agent::run);
            try (Socket socket = new Socket("127.0.0.1", agent.port()); OutputStream out = socket.getOutputStream()) {
                for (int i = 0; i < LINES; i += 100) {
                    StringBuilder lines = new StringBuilder();
                    for (int j = i; j < i + 100; j++) {
                        lines.append("{\"device\":\"edge-1\",\"ts\":").append(1_700_000_000_000L + j).append(",\"temperature\":").append(j).append("}\n");
                    }
                    out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
                }
            }
            // generous: on a loaded CI host the spool's writes were seen to take over 10 s
            NodeHarness.await("all lines received", Duration.ofSeconds(60), () -> agent.receivedLines() == LINES);
            Thread.sleep(300);
            assertEquals(0, agent.forwardedLines(), "nothing forwarded while the gateway is down");
            assertTrue(agent.backlogBytes() > LINES * 40L, "the lines wait on disk: " + agent.backlogBytes() + " bytes");

            try (PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts()
                    .set("gateway.http.port", Integer.toString(gatewayPort)).set("probe.enabled", "false").build())) {
                node.registry().register("edge", NodeHarness.READINGS_SCHEMA, null, null);
                NodeHarness.await("the spool drained into storage", Duration.ofSeconds(60),
                        () -> NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM edge").equals("{\"n\":" + LINES + "}"));
                assertEquals(LINES, agent.forwardedLines());
                assertEquals(0, agent.backlogBytes(), "forwarded segments are freed");
                assertEquals(inOrder(), timestampsInTopic(node), "one device's events sit in the topic in the order they were written");
            }
        }
    }

    private static List<Long> inOrder() {
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            expected.add(1_700_000_000_000L + i);
        }
        return expected;
    }

    private static List<Long> timestampsInTopic(PlatformNode node) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "listening-agent-test");
        List<Long> timestamps = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TopicNames.ingest("edge")));
            long deadline = System.currentTimeMillis() + 30_000;
            BinaryDecoder decoder = null;
            while (timestamps.size() < LINES && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    // wire format: magic byte, 4-byte schema id, then the Avro body: device string, ts long, ...
                    decoder = DecoderFactory.get().binaryDecoder(record.value(), 5, record.value().length - 5, decoder);
                    decoder.skipString();
                    timestamps.add(decoder.readLong());
                }
            }
        }
        return timestamps;
    }
}
