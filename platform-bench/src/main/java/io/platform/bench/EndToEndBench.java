package io.platform.bench;

import io.platform.deploy.demo.GatewayLoad;
import io.platform.deploy.demo.GatewayLoad.ClientFactory;
import io.platform.deploy.demo.GatewayLoad.ProgressOutput;
import io.platform.deploy.demo.GatewayLoad.Result;
import io.platform.deploy.demo.OpenLoopLoad;
import io.platform.deploy.demo.ProcessCpu;
import io.platform.deploy.demo.SensorEvents;
import io.platform.deploy.node.PlatformNode;
import io.platform.ingest.client.AdaptiveBatcher;
import io.platform.ingest.schema.StreamTopics;
import io.platform.wire.EventHeaders;
import io.platform.wire.TopicNames;
import io.platform.wire.schema.StreamSchema;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * {@code platform bench e2e} and {@code platform bench kafka}: drive a running node open-loop and report throughput
 * and latency per stage; against a plain KafkaProducer on the same broker with the gateway's producer settings. The
 * gateway runs are the demo's {@link GatewayLoad}, so the demo and the benches measure one load; this adds the plain
 * producer and the HTTP runs, which only benchmarks need.
 */
public final class EndToEndBench {
    private static final int HTTP_CONNECTIONS = 8;
    private final PlatformNode node;
    private final GatewayLoad gatewayLoad;
    private boolean plainWithTimesHeader;

    public EndToEndBench(PlatformNode node, PrintStream out) {
        this.node = node;
        this.gatewayLoad = new GatewayLoad(node, out);
    }

    /**
     * Makes the plain producer write the records the gateway writes: the same key and value plus the gateway's
     * {@link EventHeaders#TIMES} header, so a comparison shows the gateway's own cost apart from its record format's.
     */
    public EndToEndBench plainWithTimesHeader(boolean withHeader) {
        this.plainWithTimesHeader = withHeader;
        return this;
    }

    /** See {@link GatewayLoad#viaAeron()}. */
    public EndToEndBench viaAeron() {
        gatewayLoad.viaAeron();
        return this;
    }

    /** See {@link GatewayLoad#via(String, ClientFactory)}. */
    public EndToEndBench via(String transport, ClientFactory clients) {
        gatewayLoad.via(transport, clients);
        return this;
    }

    public String transport() {
        return gatewayLoad.transport();
    }

    /** See {@link GatewayLoad#watching(Consumer)}. */
    public EndToEndBench watching(Consumer<OpenLoopLoad> watcher) {
        gatewayLoad.watching(watcher);
        return this;
    }

    public StreamSchema registerSampleStream() throws Exception {
        return gatewayLoad.registerSampleStream();
    }

    public Result gateway(int rate, int warmupSeconds, int durationSeconds, boolean printProgress) throws Exception {
        return gatewayLoad.gateway(rate, warmupSeconds, durationSeconds, printProgress);
    }

    public Result gateway(int rate, int warmupSeconds, int durationSeconds, ProgressOutput output) throws Exception {
        return gatewayLoad.gateway(rate, warmupSeconds, durationSeconds, output);
    }

    public Result gateway(int rate, int warmupSeconds, int durationSeconds, String stream, StreamTopics.Durability durability)
            throws Exception {
        return gatewayLoad.gateway(rate, warmupSeconds, durationSeconds, stream, durability);
    }


    /**
     * Sends the same events as NDJSON to {@code POST /v1/streams/<stream>/events}, grouped by an {@link AdaptiveBatcher}
     * with at most {@link #HTTP_CONNECTIONS} requests in flight, as a client library with a connection pool would; an
     * event counts as acked when its request answers 200.
     */
    public Result http(int rate, int warmupSeconds, int durationSeconds, boolean printProgress) throws Exception {
        StreamSchema schema = registerSampleStream();
        SensorEvents events = new SensorEvents(schema.id(), 1000);
        OpenLoopLoad load = new OpenLoopLoad();
        URI uri = URI.create("http://" + node.host() + ":" + node.gatewayHttpPort() + "/v1/streams/" + SensorEvents.STREAM + "/events");
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-http");
            t.setDaemon(true);
            return t;
        });
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool).build();
        AdaptiveBatcher.Settings settings = AdaptiveBatcher.Settings.adaptive(1, 4096, 20, TimeUnit.MILLISECONDS,
                HTTP_CONNECTIONS, 10, TimeUnit.MILLISECONDS);
        AdaptiveBatcher[] batcher = new AdaptiveBatcher[1];
        batcher[0] = new AdaptiveBatcher(settings, (firstSeq, values, count) -> {
            int length = 0;
            for (int i = 0; i < count; i++) {
                length += values[i].length;
            }
            byte[] body = new byte[length];
            for (int i = 0, at = 0; i < count; at += values[i].length, i++) {
                System.arraycopy(values[i], 0, body, at, values[i].length);
            }
            http.sendAsync(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-ndjson")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> batcher[0].onAck(firstSeq, error == null && response.statusCode() == 200));
        }, load::acked);
        StringBuilder line = new StringBuilder(160);
        OpenLoopLoad.Sender sender = (firstSeq, count, l) -> {
            try {
                for (long seq = firstSeq; seq < firstSeq + count; seq++) {
                    line.setLength(0);
                    events.appendJson(line, seq, l.intendedSendTimeNs(seq) / 1_000_000L);
                    batcher[0].offer(seq, line.toString().getBytes(StandardCharsets.UTF_8));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (AdaptiveBatcher closing = batcher[0]) {
            long start = System.nanoTime();
            long sent = load.run(sender, rate, warmupSeconds, durationSeconds, GatewayLoad::resetStages,
                    printProgress ? gatewayLoad::progress : (s, a, b, h) -> { });
            closing.flush();
            long acked = load.awaitAcks(sent, 30_000);
            return new Result("gateway (HTTP NDJSON) -> Kafka", sent, acked, (System.nanoTime() - start) / 1e9, load.ackLatency());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The same events and rate through a plain KafkaProducer with the gateway's settings, on the same broker, into
     * the same {@code ingest.<stream>} topic: storage and the Flink job consume them exactly as they consume the
     * gateway's, so both runs carry the same downstream load and only the gateway's own cost differs.
     */
    public Result plainProducer(int rate, int warmupSeconds, int durationSeconds, boolean printProgress) throws Exception {
        StreamSchema schema = registerSampleStream();
        SensorEvents events = new SensorEvents(schema.id(), 1000);
        OpenLoopLoad load = new OpenLoopLoad();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(PlatformNode.producerProps(node.bootstrapServers(),
                node.config().integer("producer.linger.ms")))) {
            boolean withHeader = plainWithTimesHeader;
            OpenLoopLoad.Sender sender = (firstSeq, count, l) -> {
                for (long seq = firstSeq; seq < firstSeq + count; seq++) {
                    long acked = seq;
                    long sendTimeNs = l.intendedSendTimeNs(seq);
                    RecordHeaders headers = withHeader ? EventHeaders.withTimes(sendTimeNs, sendTimeNs / 1_000_000L) : null;
                    producer.send(new ProducerRecord<>(TopicNames.ingest(SensorEvents.STREAM), null, null, events.series(seq)
                            .getBytes(StandardCharsets.UTF_8),
                            events.encode(seq, sendTimeNs / 1_000_000L), headers), (metadata, error) -> l.acked(acked, 1, error == null));
                }
            };
            long start = System.nanoTime();
            long cpuAtStart = ProcessCpu.withoutCompilerNanos();
            long sent = load.run(sender, rate, warmupSeconds, durationSeconds, () -> { },
                    printProgress ? gatewayLoad::progress : (s, a, b, h) -> { });
            long acked = load.awaitAcks(sent, 30_000);
            // before close: the producer's I/O thread ends with it, and its time with the thread
            long cpuNanos = GatewayLoad.cpuSince(cpuAtStart);
            return new Result(withHeader ? "plain KafkaProducer, records with the gateway's pt header" : "plain KafkaProducer", sent,
                    acked, (System.nanoTime() - start) / 1e9, load.ackLatency(), cpuNanos);
        }
    }

    public long awaitStored(long expected, long timeoutMs) throws Exception {
        return gatewayLoad.awaitStored(expected, timeoutMs);
    }

    public void report(Result result) {
        gatewayLoad.report(result);
    }

    public void reportStages() {
        gatewayLoad.reportStages();
    }
}
