package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.platform.wire.TopicNames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway node pulls: it polls an HTTP endpoint that serves a sliding window of recent readings and tails a file,
 * and across a restart neither loses nor repeats an event (counted in the Kafka topic, where a repeat would show).
 */
class PullConnectorsTest {
    @TempDir
    Path dataDir;

    /** Readings 0..published-1; the endpoint returns the last 50 (or those after ?since=), as many devices' APIs do. */
    private final AtomicInteger published = new AtomicInteger(120);
    private final List<String> sinceParams = new CopyOnWriteArrayList<>();
    /** Requests the endpoint has answered: the connector's polls. */
    private final AtomicInteger polls = new AtomicInteger();

    private HttpServer readingsEndpoint() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/readings", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            long since = Long.MIN_VALUE;
            if (query != null && query.startsWith("since=")) {
                sinceParams.add(query);
                since = Long.parseLong(query.substring(6));
            }
            StringBuilder body = new StringBuilder("[");
            int n = published.get();
            for (int i = Math.max(0, n - 50); i < n; i++) {
                long ts = 1_700_000_000_000L + i;
                if (ts > since) {
                    body.append(body.length() > 1 ? "," : "").append("{\"device\":\"api\",\"ts\":").append(ts).append(",\"temperature\":").append(i).append('}');
                }
            }
            byte[] bytes = body.append(']').toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("ETag", "\"" + n + "\"");
            if (("\"" + n + "\"").equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                exchange.sendResponseHeaders(304, -1);
            } else {
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
            polls.incrementAndGet();
        });
        server.start();
        return server;
    }

    private static String fileLines(int from, int to) {
        StringBuilder lines = new StringBuilder();
        for (int i = from; i < to; i++) {
            lines.append("{\"device\":\"file\",\"ts\":").append(1_700_000_000_000L + i).append(",\"temperature\":1}\n");
        }
        return lines.toString();
    }

    @Test
    void pollsAnEndpointAndTailsAFileIntoStreamsExactlyOnceAcrossARestart() throws Exception {
        HttpServer endpoint = readingsEndpoint();
        Path log = dataDir.resolve("app.ndjson");
        Files.writeString(log, fileLines(0, 30));
        Path connectors = dataDir.resolve("connectors.json");
        Files.writeString(connectors, """
                [{"name":"readings","type":"http","stream":"polled","url":"http://127.0.0.1:%d/readings","interval":"200ms","cursorParam":"since"},
                 {"name":"applog","type":"file","stream":"tailed","path":"%s"}]""".formatted(endpoint.getAddress().getPort(), log));
        NodeConfig.Builder config = NodeConfig.builder().dataDir(dataDir.resolve("node")).ephemeralPorts()
                .set("probe.enabled", "false").set("node.role", "ingest").set("connectors.file", connectors.toString());
        try {
            try (PlatformNode node = PlatformNode.start(config.build())) {
                node.registry().register("polled", NodeHarness.READINGS_SCHEMA, null, null);
                node.registry().register("tailed", NodeHarness.READINGS_SCHEMA, null, null);
                // the first poll sees readings 70..119: the endpoint's window; later polls only what is new
                NodeHarness.await("the endpoint's 50 readings ingested", Duration.ofSeconds(60), () -> records(node, "polled") == 50);
                NodeHarness.await("the file's 30 lines ingested", Duration.ofSeconds(60), () -> records(node, "tailed") == 30);
                published.set(130);
                NodeHarness.await("10 new readings ingested", Duration.ofSeconds(60), () -> records(node, "polled") == 60);
                awaitPolls(2);
                assertEquals(60, answeredRecords(node, "polled"), "polling an unchanged window again adds nothing");
                assertTrue(sinceParams.contains("since=" + (1_700_000_000_000L + 119)), "the cursor went to the endpoint: " + sinceParams);
            }
            published.set(140);
            Files.writeString(log, fileLines(30, 40), StandardOpenOption.APPEND);
            try (PlatformNode node = PlatformNode.start(config.build())) {
                NodeHarness.await("after the restart: only the 10 newer readings", Duration.ofSeconds(60), () -> records(node, "polled") == 70);
                NodeHarness.await("after the restart: only the 10 appended lines", Duration.ofSeconds(60), () -> records(node, "tailed") == 40);
                awaitPolls(2);
                // the tailer keeps the offset of the last line the ingest path took: at the file's end, all of it is in
                Path offset = dataDir.resolve("node/connectors/applog.offset");
                NodeHarness.await("the file tailer's offset at the end of the file", Duration.ofSeconds(60),
                        () -> offsetOf(offset) == fileSize(log));
                assertEquals(70, answeredRecords(node, "polled"));
                assertEquals(40, answeredRecords(node, "tailed"));
            }
        } finally {
            endpoint.stop(0);
        }
    }

    @Test
    void aMistakeInTheConnectorsFileNamesTheConnectorAndTheField() throws Exception {
        Path connectors = dataDir.resolve("bad.json");
        Files.writeString(connectors, "[{\"name\":\"weather\",\"type\":\"http\",\"stream\":\"w\"}]");
        ConfigException error = assertThrows(ConfigException.class, () -> PlatformNode.start(NodeConfig.builder().dataDir(dataDir)
                .ephemeralPorts().set("node.role", "ingest").set("probe.enabled", "false").set("connectors.file", connectors.toString()).build()));
        assertTrue(error.getMessage().contains("connector 'weather'") && error.getMessage().contains("\"url\""), error.getMessage());
    }

    /** Waits until the endpoint has answered {@code more} polls after this call: a poll's events are in by the next one. */
    private void awaitPolls(int more) throws InterruptedException {
        int target = polls.get() + more;
        NodeHarness.await(more + " more polls of the endpoint", Duration.ofSeconds(60), () -> polls.get() >= target);
    }

    private static long offsetOf(Path offsetFile) {
        try {
            return Long.parseLong(Files.readString(offsetFile).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -2;
        }
    }

    /** {@link #records}, asked again until Kafka answers (a loaded host can time a lookup out). */
    private static long answeredRecords(PlatformNode node, String stream) throws InterruptedException {
        long[] count = {-1};
        NodeHarness.await("Kafka's end offsets of " + stream, Duration.ofSeconds(60), () -> (count[0] = records(node, stream)) >= 0);
        return count[0];
    }

    /** Records in the stream's ingest topic: a repeated event would be counted twice here; -1 when Kafka did not answer. */
    private static long records(PlatformNode node, String stream) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TopicNames.ingest(stream), Duration.ofSeconds(5)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(5));
            return ends.values().stream().mapToLong(Long::longValue).sum();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
