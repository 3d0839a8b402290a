package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.platform.deploy.kafka.EmbeddedKafkaBroker;
import io.platform.ingest.client.GatewayClient;
import io.platform.wire.TopicNames;
import io.platform.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway node on an external three-broker cluster: a stream registered with replication 3 gets three replicas and
 * min.insync.replicas 2, and when the broker leading its partition stops, the gateway keeps acknowledging and no
 * acknowledged event is lost or doubled.
 */
class ReplicatedIngestTest {
    @TempDir
    Path dir;

    @Test
    void keepsEveryAcknowledgedEventWhenTheLeadingBrokerStops() throws Exception {
        try (EmbeddedKafkaBroker cluster = EmbeddedKafkaBroker.startCluster(dir.resolve("kafka"), "127.0.0.1", 3, Duration.ofSeconds(90));
             PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dir.resolve("node")).ephemeralPorts()
                     .set("kafka.bootstrap", cluster.bootstrapServers()).set("node.role", "ingest").set("probe.enabled", "false")
                     .set("stream.partitions", "1").set("stream.replication", "3").build());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            int schemaId = node.registry().register("replicated", NodeHarness.READINGS_SCHEMA, null, null).id();
            String topic = TopicNames.ingest("replicated");
            TopicDescription described = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertEquals(3, described.partitions().get(0).replicas().size());
            assertEquals("2", admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic))).all().get()
                    .values().iterator().next().get("min.insync.replicas").value());

            try (GatewayClient client = GatewayClient.connect(node.host(), node.gatewayTcpPort())) {
                send(client, schemaId, 0, 500);
                cluster.stopNode(described.partitions().get(0).leader().id());
                send(client, schemaId, 500, 500);
            }
            assertEquals(1000, records(cluster.bootstrapServers(), topic), "every acknowledged event once, after the leader's loss");
        }
    }

    /** Sends events {@code from..from+count-1} one by one and waits until each is acknowledged. */
    private static void send(GatewayClient client, int schemaId, int from, int count) throws Exception {
        for (int i = from; i < from + count; i++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
            encoder.writeString("device-" + (i % 7));
            encoder.writeLong(1_700_000_000_000L + i);
            encoder.writeDouble(i);
            encoder.flush();
            CompletableFuture<GatewayClient.Ack> ack = client.send("replicated", WireFormat.encode(schemaId, body.toByteArray()), 0);
            assertEquals(true, ack.get(60, TimeUnit.SECONDS).accepted(), "event " + i);
        }
    }

    private static long records(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
        }
    }
}
