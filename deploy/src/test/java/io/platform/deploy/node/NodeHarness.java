package io.platform.deploy.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** HTTP helpers for tests that drive a node the way a user would. */
final class NodeHarness {
    static final String READINGS_SCHEMA = """
            {"type":"record","name":"Reading","namespace":"test","fields":[
              {"name":"device","type":"string"},{"name":"ts","type":"long"},{"name":"temperature","type":"double"}]}""";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private NodeHarness() {
    }

    static HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One {@link #READINGS_SCHEMA} event in the platform's wire format (magic byte, schema id, Avro body). */
    static byte[] wireEvent(int schemaId, String device, long ts, double temperature) throws IOException {
        org.apache.avro.Schema schema = new org.apache.avro.Schema.Parser().parse(READINGS_SCHEMA);
        org.apache.avro.generic.GenericRecord record = new org.apache.avro.generic.GenericData.Record(schema);
        record.put("device", device);
        record.put("ts", ts);
        record.put("temperature", temperature);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(body, null);
        new org.apache.avro.generic.GenericDatumWriter<org.apache.avro.generic.GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return io.platform.wire.WireFormat.encode(schemaId, body.toByteArray());
    }

    /** Completes with {correlation id, accepted, rejected, failed} of the next batch ack {@code client} receives. */
    static java.util.concurrent.CompletableFuture<int[]> nextBatchAck(io.platform.ingest.client.GatewayClient client) {
        java.util.concurrent.CompletableFuture<int[]> ack = new java.util.concurrent.CompletableFuture<>();
        client.setAckListener(new io.platform.ingest.client.GatewayClient.AckListener() {
            @Override
            public void onAck(long correlationId, byte status, String reason) {
            }

            @Override
            public void onBatchAck(long correlationId, int accepted, int rejected, int failed, String firstReason) {
                ack.complete(new int[] {(int) correlationId, accepted, rejected, failed});
            }
        });
        return ack;
    }

    /** A body that may throw, run on its own thread by {@link #background}. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /** Starts {@code body} (e.g. an agent's run loop) on a daemon thread; a failure surfaces as the thread's exception. */
    static Thread background(Body body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    static String gateway(PlatformNode node) {
        return "http://" + node.host() + ":" + node.gatewayHttpPort();
    }

    static String query(PlatformNode node) {
        return "http://" + node.host() + ":" + node.queryHttpPort();
    }

    /** Polls until the condition holds; fails the test with {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(200);
        }
    }

    /** The rows {@code sql} answers on {@code node}, one JSON object each; none while the query fails (for awaits). */
    static java.util.List<String> rows(PlatformNode node, String sql) {
        try {
            HttpResponse<String> answer = post(query(node) + "/v1/query", sql);
            return answer.statusCode() == 200 ? answer.body().lines().filter(l -> !l.isBlank()).toList() : java.util.List.of();
        } catch (Exception e) {
            return java.util.List.of();
        }
    }

    /**
     * The rows {@code sql} answers on {@code node}, asked again while the query fails (a loaded host can time a request
     * out), for up to 60 s: for assertions, where {@link #rows}' empty answer on failure would read as no rows.
     */
    static java.util.List<String> answeredRows(PlatformNode node, String sql) throws InterruptedException {
        String failure = "no answer";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> answer = post(query(node) + "/v1/query", sql);
                if (answer.statusCode() == 200) {
                    return answer.body().lines().filter(l -> !l.isBlank()).toList();
                }
                failure = answer.statusCode() + " " + answer.body();
            } catch (IOException e) {
                failure = e.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no answer in 60 s to " + sql + ": " + failure);
    }

    /** Reads {@code topic} from the beginning until {@code expected} records came or 20 s passed. */
    static java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic, int expected) {
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", "test-" + System.nanoTime());
        props.put("auto.offset.reset", "earliest");
        props.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(props)) {
            consumer.subscribe(java.util.List.of(topic));
            long deadline = System.currentTimeMillis() + 20_000;
            while (records.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    static String queryFirstLine(PlatformNode node, String sql) {
        try {
            String body = post(query(node) + "/v1/query", sql).body();
            int nl = body.indexOf('\n');
            return nl < 0 ? body : body.substring(0, nl);
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }
}
