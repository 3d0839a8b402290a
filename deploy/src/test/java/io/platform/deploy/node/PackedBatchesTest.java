package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.platform.ingest.client.GatewayClient;
import io.platform.wire.EventHeaders;
import io.platform.wire.PackedEvents;
import io.platform.wire.TopicNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gateway.pack-batches=true}: a batch frame becomes one Kafka record per partition, and every reader of the
 * stream (storage, the stream's aggregation, a materialized view's SQL job) sees the same events as from one record
 * per event: none lost, none merged, each series on the partition Kafka's partitioner gives it. A stream registered
 * with {@code ?pack=false} keeps one record per event on such a node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PackedBatchesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BASE = 1_700_000_000_000L;
    @TempDir
    static Path dataDir;
    private PlatformNode node;

    @BeforeAll
    void startNode() throws Exception {
        node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts().set("gateway.pack-batches", "true")
                .set("aggregation.window", "1s").set("aggregation.out-of-orderness", "100ms")
                .set("aggregation.idleness", "1s").set("flink.checkpoint.interval", "1s").build());
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aBatchFrameIsOneRecordPerPartitionAndEveryReaderSeesEachEvent() throws Exception {
        int schemaId = JSON.readTree(NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/packed", NodeHarness.READINGS_SCHEMA).body())
                .get("id").asInt();
        var view = NodeHarness.post(NodeHarness.query(node) + "/v1/query", """
                CREATE MATERIALIZED VIEW packed_per_second AS
                SELECT device, window_start, COUNT(*) AS n
                FROM TABLE(TUMBLE(TABLE packed, DESCRIPTOR(event_time), INTERVAL '1' SECOND))
                GROUP BY device, window_start, window_end""");
        assertEquals(200, view.statusCode(), view.body());
        // 2,000 events over 8 devices and 4 s; two events alike to the byte (same device and time) must both be kept
        byte[][] events = new byte[2_001][];
        for (int i = 0; i < 2_000; i++) {
            events[i] = NodeHarness.wireEvent(schemaId, "d" + (i % 8), BASE + i * 2L, i);
        }
        events[2_000] = events[1_999].clone();
        byte[] truncated = Arrays.copyOf(events[0], events[0].length - 4);
        byte[][] frame = Arrays.copyOf(events, 2_002);
        frame[2_001] = truncated;
        try (GatewayClient client = GatewayClient.connect(node.host(), node.gatewayTcpPort())) {
            var batchAck = NodeHarness.nextBatchAck(client);
            client.sendBatch("packed", frame, frame.length, System.currentTimeMillis() * 1_000_000L, 5);
            assertEquals("[5, 2001, 1, 0]", Arrays.toString(batchAck.get(30, TimeUnit.SECONDS)), "one ack: the truncated event refused alone");
            // one event alone is a record of its own, where Kafka's partitioner puts its series
            assertTrue(client.send("packed", NodeHarness.wireEvent(schemaId, "d3", BASE + 4_000, 1), 0).get(30, TimeUnit.SECONDS).accepted());
        }

        List<ConsumerRecord<byte[], byte[]>> records = NodeHarness.readAll(node.bootstrapServers(), TopicNames.ingest("packed"), 3);
        assertEquals(3, records.size(), "two packed records (one per partition) and the single event");
        Map<String, Integer> partitionOfDevice = new HashMap<>();
        int packedEvents = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (!PackedEvents.isPacked(record.value())) {
                partitionOfDevice.merge("d3", record.partition(), (a, b) -> {
                    assertEquals(a, b, "the single event's partition is its series' partition");
                    return a;
                });
                continue;
            }
            assertTrue(EventHeaders.readTime(record.headers(), EventHeaders.EVENT_TIME_OFFSET, Long.MIN_VALUE) >= BASE, "times header: validated");
            PackedEvents.Cursor entries = new PackedEvents.Cursor(record.value());
            while (entries.next()) {
                packedEvents++;
                assertEquals(PackedEvents.partitionOf(entries.series().getBytes(StandardCharsets.UTF_8), 2), record.partition());
                int partition = record.partition();
                partitionOfDevice.merge(entries.series(), partition, (a, b) -> {
                    assertEquals(a, b, "a series stays on one partition");
                    return a;
                });
            }
        }
        assertEquals(2_001, packedEvents);

        NodeHarness.await("every event stored, the two alike ones twice", Duration.ofSeconds(60), () ->
                NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM packed").equals("{\"n\":2002}")
                        && NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM packed WHERE ts = " + (BASE + 3_998))
                        .equals("{\"n\":2}"));
        // close the windows on both partitions, then compare each window's aggregate and view row with the raw rows
        try (GatewayClient client = GatewayClient.connect(node.host(), node.gatewayTcpPort())) {
            var batchAck = NodeHarness.nextBatchAck(client);
            byte[][] closing = new byte[8][];
            for (int d = 0; d < 8; d++) {
                closing[d] = NodeHarness.wireEvent(schemaId, "d" + d, BASE + 60_000, 0);
            }
            client.sendBatch("packed", closing, 8, 0, 6);
            assertEquals("[6, 8, 0, 0]", Arrays.toString(batchAck.get(30, TimeUnit.SECONDS)));
        }
        String raw = "SELECT time_bucket('1s', ts) AS w, count(*) AS n FROM packed WHERE ts < " + (BASE + 60_000)
                + " GROUP BY time_bucket('1s', ts) ORDER BY w";
        String expected = "{\"w\":1700000000000,\"n\":500}\n{\"w\":1700000001000,\"n\":500}\n{\"w\":1700000002000,\"n\":500}\n"
                + "{\"w\":1700000003000,\"n\":501}\n{\"w\":1700000004000,\"n\":1}\n";
        assertEquals(expected, NodeHarness.post(NodeHarness.query(node) + "/v1/query", raw).body());
        String aggregates = "SELECT window_start AS w, sum(count) AS n FROM packed_1s WHERE window_start < " + (BASE + 60_000)
                + " GROUP BY window_start ORDER BY w";
        NodeHarness.await("the stream's aggregates equal the raw counts", Duration.ofSeconds(60), () ->
                expected.equals(body(aggregates)));
        String viewRows = "SELECT window_start AS w, sum(n) AS n FROM packed_per_second WHERE window_start < " + (BASE + 60_000)
                + " GROUP BY window_start ORDER BY w";
        NodeHarness.await("the view's windows equal the raw counts", Duration.ofSeconds(90), () -> expected.equals(body(viewRows)));
    }

    @Test
    void packedRecordsWrittenStraightToKafkaAreValidatedPerEventByStorage() throws Exception {
        int schemaId = JSON.readTree(NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/direct", NodeHarness.READINGS_SCHEMA).body())
                .get("id").asInt();
        byte[] good = NodeHarness.wireEvent(schemaId, "k", BASE, 1.5);
        byte[] undecodable = Arrays.copyOf(good, good.length - 4);
        PackedEvents.Writer writer = new PackedEvents.Writer();
        writer.add("k".getBytes(StandardCharsets.UTF_8), BASE, good, 0, good.length);
        writer.add("k".getBytes(StandardCharsets.UTF_8), BASE, undecodable, 0, undecodable.length);
        writer.add("k".getBytes(StandardCharsets.UTF_8), BASE + 1, good, 0, good.length);
        byte[] mixed = writer.toBytes();
        byte[] cut = Arrays.copyOf(mixed, mixed.length - 3);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(PlatformNode.producerProps(node.bootstrapServers(), 0))) {
            // no times header: not from the gateway, so storage checks each entry
            producer.send(new ProducerRecord<>(TopicNames.ingest("direct"), mixed)).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(TopicNames.ingest("direct"), cut)).get(30, TimeUnit.SECONDS);
        }
        NodeHarness.await("the two good entries stored", Duration.ofSeconds(60), () ->
                NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM direct").equals("{\"n\":2}"));
        List<ConsumerRecord<byte[], byte[]>> deadLetters = NodeHarness.readAll(node.bootstrapServers(), TopicNames.deadLetter("direct"), 2);
        assertEquals(2, deadLetters.size());
        String reasons = deadLetters.stream().map(r -> new String(r.headers().lastHeader(EventHeaders.DLQ_REASON).value(), StandardCharsets.UTF_8))
                .sorted().toList().toString();
        assertTrue(reasons.contains("entry 1 of a packed record"), reasons);
        assertTrue(reasons.contains("malformed packed record"), reasons);
        assertTrue(deadLetters.stream().anyMatch(r -> Arrays.equals(undecodable, r.value())), "the bad entry's own bytes are its dead letter");
        assertTrue(deadLetters.stream().anyMatch(r -> Arrays.equals(cut, r.value())), "a record that does not hold together goes whole");
    }

    @Test
    void aStreamRegisteredWithPackFalseKeepsOneRecordPerEventOnAPackingNode() throws Exception {
        String schemas = NodeHarness.gateway(node) + "/v1/schemas/plain";
        var refused = NodeHarness.post(schemas + "?pack=maybe", NodeHarness.READINGS_SCHEMA);
        assertEquals(422, refused.statusCode());
        assertTrue(refused.body().contains("pack must be true") && refused.body().contains("'maybe'"), refused.body());

        var unpacked = JSON.readTree(NodeHarness.post(schemas + "?pack=false", NodeHarness.READINGS_SCHEMA).body());
        assertEquals("UNPACKED", unpacked.get("batchPacking").asText());
        var again = JSON.readTree(NodeHarness.post(schemas, NodeHarness.READINGS_SCHEMA).body());
        assertEquals(1, again.get("version").asInt(), "the same schema without pack= is the same version: the stream keeps its choice");
        assertEquals("UNPACKED", JSON.readTree(NodeHarness.get(schemas).body()).get("batchPacking").asText());
        int schemaId = unpacked.get("id").asInt();
        sendFrame("plain", schemaId, 20);
        List<ConsumerRecord<byte[], byte[]>> records = NodeHarness.readAll(node.bootstrapServers(), TopicNames.ingest("plain"), 20);
        assertEquals(20, records.size(), "a record per event");
        records.forEach(record -> assertEquals(0, record.value()[0], "Confluent's framing: magic 0, what its deserializers read"));

        // choosing again is a new version; from then on the node's packing applies
        var nodeDefault = JSON.readTree(NodeHarness.post(schemas + "?pack=default", NodeHarness.READINGS_SCHEMA).body());
        assertEquals(2, nodeDefault.get("version").asInt());
        assertEquals("NODE_DEFAULT", nodeDefault.get("batchPacking").asText());
        sendFrame("plain", schemaId, 20);
        List<ConsumerRecord<byte[], byte[]>> after = NodeHarness.readAll(node.bootstrapServers(), TopicNames.ingest("plain"), 21);
        assertTrue(after.size() >= 21 && after.size() <= 22, "the second frame packed into a record per partition: " + after.size());
        // (the consumer hands out the two partitions' records in no set order)
        assertEquals(20, after.stream().filter(record -> !PackedEvents.isPacked(record.value())).count());
        assertEquals(20, after.stream().filter(record -> PackedEvents.isPacked(record.value()))
                .mapToInt(record -> new PackedEvents.Cursor(record.value()).count()).sum());
        NodeHarness.await("both frames stored", Duration.ofSeconds(60), () ->
                NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM plain").equals("{\"n\":40}"));
    }

    @Test
    void anHttpRequestIsPackedLikeAFrameAndItsBadLineIsDeadLetteredAlone() throws Exception {
        assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/viahttp", NodeHarness.READINGS_SCHEMA).statusCode());
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            ndjson.append("{\"device\":\"d").append(i % 6).append("\",\"ts\":").append(BASE + i).append(",\"temperature\":").append(i)
                    .append("}\n");
        }
        ndjson.append("{\"device\":\"d1\",\"ts\":\"not a time\",\"temperature\":1}\n");
        var answer = NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/viahttp/events", ndjson.toString());
        assertEquals(207, answer.statusCode(), answer.body());
        var counts = JSON.readTree(answer.body());
        assertEquals(30, counts.get("accepted").asInt());
        assertEquals(1, counts.get("rejected").asInt());
        assertEquals(30, counts.get("errors").get(0).get("index").asInt(), "the bad line is named by its index");

        List<ConsumerRecord<byte[], byte[]>> records = NodeHarness.readAll(node.bootstrapServers(), TopicNames.ingest("viahttp"), 2);
        assertTrue(records.size() <= 2, "a record per partition, not per event: " + records.size());
        assertEquals(30, records.stream().mapToInt(record -> new PackedEvents.Cursor(record.value()).count()).sum());
        assertEquals(1, NodeHarness.readAll(node.bootstrapServers(), TopicNames.deadLetter("viahttp"), 1).size());
        NodeHarness.await("every good line stored", Duration.ofSeconds(60), () ->
                NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM viahttp").equals("{\"n\":30}"));
    }

    private void sendFrame(String stream, int schemaId, int events) throws Exception {
        byte[][] frame = new byte[events][];
        for (int i = 0; i < events; i++) {
            frame[i] = NodeHarness.wireEvent(schemaId, "d" + i, BASE + i, i);
        }
        try (GatewayClient client = GatewayClient.connect(node.host(), node.gatewayTcpPort())) {
            var batchAck = NodeHarness.nextBatchAck(client);
            client.sendBatch(stream, frame, events, 0, 7);
            assertEquals("[7, " + events + ", 0, 0]", Arrays.toString(batchAck.get(30, TimeUnit.SECONDS)));
        }
    }

    private String body(String sql) {
        try {
            return NodeHarness.post(NodeHarness.query(node) + "/v1/query", sql).body();
        } catch (Exception e) {
            return "";
        }
    }
}
