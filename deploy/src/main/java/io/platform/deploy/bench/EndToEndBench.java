package io.platform.deploy.bench;

import io.platform.deploy.node.PlatformNode;
import io.platform.ingest.client.AdaptiveBatcher;
import io.platform.ingest.client.GatewayClient;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import io.platform.wire.EventHeaders;
import io.platform.wire.IngestFrameLayout;
import io.platform.wire.TopicNames;
import io.platform.wire.schema.StreamSchema;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * {@code platform bench e2e} and {@code platform bench kafka}: drive a running node open-loop and report throughput
 * and latency per stage; against a plain KafkaProducer on the same broker with the gateway's producer settings.
 */
public final class EndToEndBench {
    /** What one run measured. */
    /** @param cpuNanos CPU time of the process over the run, JIT compilers left out ({@link ProcessCpu}); -1 if unknown */
    public record Result(String name, long sent, long acked, double seconds, Histogram ack, long cpuNanos) {
        public Result(String name, long sent, long acked, double seconds, Histogram ack) {
            this(name, sent, acked, seconds, ack, -1);
        }

        public double eventsPerSecond() {
            return acked / seconds;
        }

        /** CPU microseconds per acked event, all threads but the JIT's; NaN where it was not measured. */
        public double cpuMicrosPerEvent() {
            return cpuNanos < 0 || acked == 0 ? Double.NaN : cpuNanos / 1e3 / acked;
        }
    }

    /** Opens the connection the gateway runs send over. */
    @FunctionalInterface
    public interface ClientFactory {
        GatewayClient connect() throws Exception;
    }

    private static final int HTTP_CONNECTIONS = 8;
    private final PlatformNode node;
    private final PrintStream out;
    private String transport = "TCP";
    private ClientFactory clients;
    private java.util.function.Consumer<OpenLoopLoad> loadWatcher = load -> { };
    private boolean plainWithTimesHeader;

    public EndToEndBench(PlatformNode node, PrintStream out) {
        this.node = node;
        this.out = out;
        this.clients = () -> GatewayClient.connect(node.host(), node.gatewayTcpPort());
    }

    /**
     * Makes the plain producer write the records the gateway writes: the same key and value plus the gateway's
     * {@link EventHeaders#TIMES} header, so a comparison shows the gateway's own cost apart from its record format's.
     */
    public EndToEndBench plainWithTimesHeader(boolean withHeader) {
        this.plainWithTimesHeader = withHeader;
        return this;
    }

    /**
     * Sends the gateway runs over the node's Aeron channel, replies on a free UDP port (or over IPC when the node's
     * channel is IPC: its driver then sleeps, being off the path); the node must have the channel.
     */
    public EndToEndBench viaAeron() {
        boolean ipc = node.aeronChannel().startsWith("aeron:ipc");
        return via(ipc ? "Aeron IPC" : "Aeron UDP", () -> GatewayClient.connect(replies -> io.platform.network.aeron.AeronFrameClient.connect(node.aeronTransport(),
                node.aeronChannel(), node.config().integer("gateway.aeron.stream-id"), ipc ? "aeron:ipc" : "aeron:udp?endpoint=127.0.0.1:0",
                IngestFrameLayout.MAX_FRAME_LENGTH, replies, 10_000)));
    }

    /** Sends the gateway runs over another transport (TLS, Aeron), named {@code transport} in reports. */
    public EndToEndBench via(String transport, ClientFactory clients) {
        this.transport = transport;
        this.clients = clients;
        return this;
    }

    /** The transport the gateway runs go over, as reports name it: TCP, Aeron UDP, Aeron IPC, ... */
    public String transport() {
        return transport;
    }

    /** Hands each gateway run's load to {@code watcher} before it starts, e.g. to switch A/B variants during the run. */
    public EndToEndBench watching(java.util.function.Consumer<OpenLoopLoad> watcher) {
        this.loadWatcher = watcher;
        return this;
    }

    public StreamSchema registerSampleStream() throws Exception {
        return node.registry().register(SensorEvents.STREAM, SensorEvents.SCHEMA, null, null);
    }

    /** How much to print each second while load runs. */
    public enum ProgressOutput { NONE, LINE, STAGE_TABLE }

    public Result gateway(int rate, int warmupSeconds, int durationSeconds, boolean printProgress) throws Exception {
        return gateway(rate, warmupSeconds, durationSeconds, printProgress ? ProgressOutput.LINE : ProgressOutput.NONE);
    }

    /** Sends through the gateway's binary TCP protocol; events flow on through Kafka, Flink and storage. */
    public Result gateway(int rate, int warmupSeconds, int durationSeconds, ProgressOutput output) throws Exception {
        return gateway(rate, warmupSeconds, durationSeconds, output, SensorEvents.STREAM, registerSampleStream());
    }

    /** The sample events into a stream of the given name with the given durability, e.g. to compare SYNC and ASYNC. */
    public Result gateway(int rate, int warmupSeconds, int durationSeconds, String stream,
                          io.platform.ingest.schema.StreamTopics.Durability durability) throws Exception {
        StreamSchema schema = node.registry().register(stream, SensorEvents.SCHEMA, null, null, null, 0, (short) 0, durability);
        return gateway(rate, warmupSeconds, durationSeconds, ProgressOutput.NONE, stream, schema);
    }

    private Result gateway(int rate, int warmupSeconds, int durationSeconds, ProgressOutput output, String stream, StreamSchema schema)
            throws Exception {
        SensorEvents events = new SensorEvents(schema.id(), 1000);
        OpenLoopLoad load = new OpenLoopLoad();
        loadWatcher.accept(load);
        ConcurrentHashMap<Long, Integer> batches = new ConcurrentHashMap<>();
        byte[][] values = new byte[OpenLoopLoad.MAX_BATCH][];
        try (GatewayClient client = clients.connect()) {
            client.setAckListener(new GatewayClient.AckListener() {
                @Override
                public void onAck(long correlationId, byte status, String reason) {
                }

                @Override
                public void onBatchAck(long firstSeq, int accepted, int rejected, int failed, String firstReason) {
                    Integer count = batches.remove(firstSeq);
                    if (count != null) {
                        load.acked(firstSeq, count, rejected == 0 && failed == 0);
                    }
                }
            });
            OpenLoopLoad.Sender sender = (firstSeq, count, l) -> {
                for (int i = 0; i < count; i++) {
                    values[i] = events.encode(firstSeq + i, l.intendedSendTimeNs(firstSeq + i) / 1_000_000L);
                }
                batches.put(firstSeq, count);
                client.sendBatch(stream, values, count, l.intendedSendTimeNs(firstSeq), firstSeq);
            };
            long start = System.nanoTime();
            long cpuAtStart = ProcessCpu.withoutCompilerNanos();
            OpenLoopLoad.Progress progress = switch (output) {
                case NONE -> (s, a, b, h) -> { };
                case LINE -> this::progress;
                case STAGE_TABLE -> this::stageTable;
            };
            long sent = load.run(sender, rate, warmupSeconds, durationSeconds, EndToEndBench::resetStages, progress);
            long acked = load.awaitAcks(sent, 30_000);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result("gateway (" + transport + ") -> Kafka" + (node.queryEngine() == null ? "" : " -> storage") + ", stream " + stream, sent, acked, seconds,
                    load.ackLatency(), cpuSince(cpuAtStart));
        }
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
        java.net.URI uri = java.net.URI.create("http://" + node.host() + ":" + node.gatewayHttpPort() + "/v1/streams/" + SensorEvents.STREAM + "/events");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-http");
            t.setDaemon(true);
            return t;
        });
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).executor(pool).build();
        AdaptiveBatcher.Settings settings = AdaptiveBatcher.Settings.adaptive(1, 4096, 20, java.util.concurrent.TimeUnit.MILLISECONDS,
                HTTP_CONNECTIONS, 10, java.util.concurrent.TimeUnit.MILLISECONDS);
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
            http.sendAsync(java.net.http.HttpRequest.newBuilder(uri).header("Content-Type", "application/x-ndjson")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(), java.net.http.HttpResponse.BodyHandlers.discarding())
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
            long sent = load.run(sender, rate, warmupSeconds, durationSeconds, EndToEndBench::resetStages,
                    printProgress ? this::progress : (s, a, b, h) -> { });
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
                    producer.send(new ProducerRecord<>(TopicNames.ingest(SensorEvents.STREAM), null, null, events.series(seq).getBytes(StandardCharsets.UTF_8),
                            events.encode(seq, sendTimeNs / 1_000_000L), headers), (metadata, error) -> l.acked(acked, 1, error == null));
                }
            };
            long start = System.nanoTime();
            long cpuAtStart = ProcessCpu.withoutCompilerNanos();
            long sent = load.run(sender, rate, warmupSeconds, durationSeconds, () -> { },
                    printProgress ? this::progress : (s, a, b, h) -> { });
            long acked = load.awaitAcks(sent, 30_000);
            // before close: the producer's I/O thread ends with it, and its time with the thread
            long cpuNanos = cpuSince(cpuAtStart);
            return new Result(withHeader ? "plain KafkaProducer, records with the gateway's pt header" : "plain KafkaProducer", sent, acked, (System.nanoTime() - start) / 1e9, load.ackLatency(), cpuNanos);
        }
    }

    private static long cpuSince(long cpuAtStart) {
        long now = ProcessCpu.withoutCompilerNanos();
        return cpuAtStart < 0 || now < 0 ? -1 : now - cpuAtStart;
    }

    private static void resetStages() {
        for (Stage stage : Stage.values()) {
            LatencyMetrics.global().stage(stage).reset();
        }
    }

    private void progress(int second, long sent, long acked, Histogram interval) {
        out.printf("t=%3ds sent/s=%7d acked/s=%7d ack p50=%7.3f ms p99=%7.3f ms p999=%7.3f ms%n", second, sent, acked,
                interval.getValueAtPercentile(50) / 1e6, interval.getValueAtPercentile(99) / 1e6, interval.getValueAtPercentile(99.9) / 1e6);
    }

    /** A live table: events/s this second, and per stage p50/p99/p999 since measuring began. */
    private void stageTable(int second, long sent, long acked, Histogram interval) {
        StringBuilder table = new StringBuilder(String.format("-- t=%ds  sent/s=%d  acked/s=%d  (ms since measuring began: p50 / p99 / p999)%n", second, sent, acked));
        for (Stage stage : Stage.values()) {
            if (stage == Stage.QUERY) {
                continue;
            }
            Histogram h = LatencyMetrics.global().stage(stage).snapshot();
            table.append(String.format("   %-12s %8.3f %8.3f %8.3f%n", stage.metricName(), h.getValueAtPercentile(50) / 1e6,
                    h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6));
        }
        out.print(table);
    }

    /** Waits until storage holds {@code expected} sample events, so end_to_end has seen them all. */
    public long awaitStored(long expected, long timeoutMs) throws Exception {
        return awaitCount(node.queryEngine(), SensorEvents.STREAM, expected, timeoutMs);
    }

    /** Polls {@code SELECT count(*) FROM table} until it reaches {@code expected} or the time is up; returns the last count. */
    static long awaitCount(io.platform.query.exec.QueryEngine engine, String table, long expected, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        long stored = 0;
        while (System.currentTimeMillis() < deadline) {
            stored = (Long) engine.firstRow("SELECT count(*) FROM " + table)[0];
            if (stored >= expected) {
                break;
            }
            Thread.sleep(200);
        }
        return stored;
    }

    public void report(Result result) {
        Histogram h = result.ack();
        out.printf("%n== %s ==%nsent=%d acked=%d in %.1f s -> %.0f events/s%n", result.name(), result.sent(), result.acked(),
                result.seconds(), result.eventsPerSecond());
        out.printf("client ack latency (from intended send time): p50=%.3f ms p99=%.3f ms p999=%.3f ms max=%.3f ms%n",
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
        if (!Double.isNaN(result.cpuMicrosPerEvent())) {
            out.printf("CPU per acked event (all threads but the JIT compilers): %.3f us%n", result.cpuMicrosPerEvent());
        }
    }

    public void reportStages() {
        out.println("per-stage latency over the measured period (HdrHistogram):");
        out.print(LatencyMetrics.global().summary());
    }
}
