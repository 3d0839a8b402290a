package io.platform.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.platform.deploy.demo.GatewayLoad;
import io.platform.deploy.node.PlatformNode;
import io.platform.ingest.client.GatewayClient;
import io.platform.wire.EventHeaders;
import io.platform.wire.IngestFrameLayout;
import io.platform.wire.TopicNames;
import io.platform.wire.WireFormat;
import io.platform.wire.schema.StreamSchema;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Seeded fuzzing of a running gateway over HTTP and binary TCP: valid events mixed with malformed JSON, wrong types,
 * unknown and missing fields, truncated and random Avro bodies, bad magic bytes and foreign schema ids. Afterwards
 * every valid event must be stored, every invalid one refused with a reason and counted in the dead-letter topic,
 * and the gateway still healthy. Used by a test (a few thousand cases) and by {@code platform bench fuzz}.
 */
public final class GatewayFuzzer {
    /** What a run counted. */
    public record Report(long seed, int cases, int sentValid, int acceptedValid, int sentInvalid, int refusedInvalid,
                         int refusedWithoutReason, long deadLetters, long stored, boolean healthy, int failed, String firstFailure) {
        public boolean clean() {
            return acceptedValid == sentValid && refusedInvalid == sentInvalid && refusedWithoutReason == 0
                    && deadLetters == sentInvalid && stored == sentValid && healthy && failed == 0;
        }
    }

    private static final String STREAM = "fuzzed";
    private static final String SCHEMA = """
            {"type":"record","name":"Fuzz","fields":[{"name":"device","type":"string"},{"name":"ts","type":"long"},
             {"name":"value","type":"double"},{"name":"tag","type":["null","string"],"default":null}]}""";

    private final PlatformNode node;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public GatewayFuzzer(PlatformNode node) {
        this.node = node;
    }

    public Report run(long seed, int cases) throws Exception {
        Random random = new Random(seed);
        StreamSchema schema = node.registry().register(STREAM, SCHEMA, null, null);
        String gateway = "http://" + node.host() + ":" + node.gatewayHttpPort();
        int sentValid = 0;
        int acceptedValid = 0;
        int sentInvalid = 0;
        int refusedInvalid = 0;
        int withoutReason = 0;
        int failed = 0;
        String firstFailure = null;
        int httpCases = cases / 2;
        // HTTP: NDJSON requests of 50 lines, each line valid or broken in one way
        for (int done = 0; done < httpCases; ) {
            StringBuilder body = new StringBuilder();
            int valid = 0;
            int lines = Math.min(50, httpCases - done);
            for (int i = 0; i < lines; i++) {
                String line = validJson(random, done + i);
                if (random.nextInt(3) == 0) {
                    body.append(line).append('\n');
                    valid++;
                } else {
                    body.append(breakJson(random, line)).append('\n');
                }
            }
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/streams/" + STREAM + "/events"))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
            var answer = new ObjectMapper().readTree(response.body());
            sentValid += valid;
            sentInvalid += lines - valid;
            acceptedValid += answer.get("accepted").asInt();
            if (!answer.has("accepted")) {
                failed += lines;
                firstFailure = firstFailure == null ? response.statusCode() + " " + response.body() : firstFailure;
                done += lines;
                continue;
            }
            refusedInvalid += answer.get("rejected").asInt();
            failed += answer.get("failed").asInt();
            for (var error : answer.get("errors")) {
                if (error.get("reason").asText().isBlank()) {
                    withoutReason++;
                }
                if (error.get("status").asText().equals("failed") && firstFailure == null) {
                    firstFailure = error.get("reason").asText();
                }
            }
            done += lines;
        }
        // binary TCP: one frame per case
        try (GatewayClient client = GatewayClient.connect(node.host(), node.gatewayTcpPort())) {
            for (int i = 0; i < cases - httpCases; i++) {
                byte[] good = validWire(schema.id(), random, i);
                boolean valid = random.nextInt(3) == 0;
                byte[] frame = valid ? good : breakWire(random, good, schema.id());
                GatewayClient.Ack ack = client.send(STREAM, frame, 0).get(30, TimeUnit.SECONDS);
                if (ack.status() == IngestFrameLayout.STATUS_FAILED) {
                    failed++;
                    firstFailure = firstFailure == null ? "tcp: " + ack.reason() : firstFailure;
                }
                if (valid) {
                    sentValid++;
                    acceptedValid += ack.accepted() ? 1 : 0;
                } else {
                    sentInvalid++;
                    if (ack.status() == IngestFrameLayout.STATUS_REJECTED) {
                        refusedInvalid++;
                        withoutReason += ack.reason() == null || ack.reason().isBlank() ? 1 : 0;
                    }
                }
            }
        }
        long deadLetters = refusedDeadLetters(TopicNames.deadLetter(STREAM));
        long stored = awaitStored(sentValid);
        boolean healthy = http.send(HttpRequest.newBuilder(URI.create(gateway + "/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        return new Report(seed, cases, sentValid, acceptedValid, sentInvalid, refusedInvalid, withoutReason, deadLetters, stored, healthy,
                failed, firstFailure);
    }

    private static String validJson(Random random, int i) {
        return "{\"device\":\"d" + random.nextInt(50) + "\",\"ts\":" + (1_700_000_000_000L + i) + ",\"value\":" + random.nextDouble()
                + (random.nextBoolean() ? ",\"tag\":\"t" + i + "\"" : "") + "}";
    }

    private static String breakJson(Random random, String line) {
        return switch (random.nextInt(7)) {
            case 0 -> line.substring(0, 1 + random.nextInt(line.length() - 2));              // truncated JSON
            case 1 -> line.replace("\"ts\":", "\"ts\":\"x").replaceFirst("(\"ts\":\"x[0-9]+)", "$1\"");   // wrong type
            case 2 -> line.replace("}", ",\"extra\":1}");                                         // unknown field
            case 3 -> line.replaceFirst("\"device\":\"d[0-9]+\",", "");                          // missing field
            case 4 -> "[" + line + "]x";                                                          // not an object, trailing bytes
            case 5 -> randomText(random);
            default -> line.replace("\"value\":", "\"value\":\"NaN-ish\",\"v\":");                 // wrong type + unknown
        };
    }

    private static String randomText(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(40)];
        random.nextBytes(bytes);
        String text = new String(bytes, StandardCharsets.ISO_8859_1).replace('\n', ' ').replace('\r', ' ');
        return text.isBlank() ? "}" : "{" + text;
    }

    private static byte[] validWire(int schemaId, Random random, int i) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
        encoder.writeString("d" + random.nextInt(50));
        encoder.writeLong(1_700_000_000_000L + i);
        encoder.writeDouble(random.nextDouble());
        encoder.writeIndex(0);
        encoder.flush();
        return WireFormat.encode(schemaId, body.toByteArray());
    }

    private static byte[] breakWire(Random random, byte[] good, int schemaId) {
        byte[] bad = good.clone();
        switch (random.nextInt(5)) {
            case 0 -> {
                return Arrays.copyOf(good, WireFormat.HEADER_LENGTH + random.nextInt(good.length - WireFormat.HEADER_LENGTH));
            }
            case 1 -> bad[0] = (byte) (1 + random.nextInt(255));                                 // bad magic
            case 2 -> bad[4] = (byte) (bad[4] + 1 + random.nextInt(200));                        // foreign schema id
            case 3 -> {
                // at most 10 bytes: the shortest valid body of this schema has 11, so these are never valid by chance
                byte[] randomBody = new byte[random.nextInt(11)];
                random.nextBytes(randomBody);
                return WireFormat.encode(schemaId, randomBody);
            }
            default -> {
                byte[] longer = Arrays.copyOf(good, good.length + 1 + random.nextInt(8));   // trailing bytes
                return longer;
            }
        }
        return bad;
    }

    /**
     * Dead letters written by the gateway's refusals (stages decode and validate). Late-event records (stage
     * process) from the aggregation are left out: they describe valid events that were also stored.
     */
    private long refusedDeadLetters(String topic) {
        Properties props = new Properties();
        props.put("bootstrap.servers", node.bootstrapServers());
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("max.poll.records", "5000");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long refused = 0;
            while (consumer.position(partition) < end) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    var stage = record.headers().lastHeader(EventHeaders.DLQ_STAGE);
                    String name = stage == null ? "" : new String(stage.value(), StandardCharsets.UTF_8);
                    if (name.equals("decode") || name.equals("validate")) {
                        refused++;
                    }
                }
            }
            return refused;
        }
    }

    private long awaitStored(long expected) throws Exception {
        return GatewayLoad.awaitCount(node.queryEngine(), STREAM, expected, 60_000);
    }
}
