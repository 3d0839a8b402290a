package io.platform.deploy.demo;

import io.platform.deploy.node.PlatformNode;
import io.platform.ingest.client.GatewayClient;
import io.platform.ingest.schema.StreamTopics;
import io.platform.network.aeron.AeronFrameClient;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import io.platform.query.exec.QueryEngine;
import io.platform.wire.IngestFrameLayout;
import io.platform.wire.schema.StreamSchema;
import java.io.PrintStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Open-loop load of the sample events through the gateway of a running node, reporting throughput and latency per
 * stage: what {@code platform demo} drives. It lives in the product because the demo is a product command; platform-bench
 * reuses it (its EndToEndBench adds the plain-producer and HTTP runs), so both measure with the same load. One run at a time.
 */
public final class GatewayLoad {
    /**
     * What one run measured.
     *
     * @param cpuNanos CPU time of the process over the run, JIT compilers left out ({@link ProcessCpu}); -1 if unknown
     */
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

    private final PlatformNode node;
    private final PrintStream out;
    private String transport = "TCP";
    private ClientFactory clients;
    private Consumer<OpenLoopLoad> loadWatcher = load -> { };

    public GatewayLoad(PlatformNode node, PrintStream out) {
        this.node = node;
        this.out = out;
        this.clients = () -> GatewayClient.connect(node.host(), node.gatewayTcpPort());
    }

    /**
     * Sends the gateway runs over the node's Aeron channel, replies on a free UDP port (or over IPC when the node's
     * channel is IPC: its driver then sleeps, being off the path); the node must have the channel.
     */
    public GatewayLoad viaAeron() {
        boolean ipc = node.aeronChannel().startsWith("aeron:ipc");
        return via(ipc ? "Aeron IPC" : "Aeron UDP", () -> GatewayClient.connect(replies -> AeronFrameClient.connect(node.aeronTransport(),
                node.aeronChannel(), node.config().integer("gateway.aeron.stream-id"), ipc ? "aeron:ipc" : "aeron:udp?endpoint=127.0.0.1:0",
                IngestFrameLayout.MAX_FRAME_LENGTH, replies, 10_000)));
    }

    /** Sends the gateway runs over another transport (TLS, Aeron), named {@code transport} in reports. */
    public GatewayLoad via(String transport, ClientFactory clients) {
        this.transport = transport;
        this.clients = clients;
        return this;
    }

    /** The transport the gateway runs go over, as reports name it: TCP, Aeron UDP, Aeron IPC, ... */
    public String transport() {
        return transport;
    }

    /** Hands each gateway run's load to {@code watcher} before it starts, e.g. to switch A/B variants during the run. */
    public GatewayLoad watching(Consumer<OpenLoopLoad> watcher) {
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
                          StreamTopics.Durability durability) throws Exception {
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
            long sent = load.run(sender, rate, warmupSeconds, durationSeconds, GatewayLoad::resetStages, progress);
            long acked = load.awaitAcks(sent, 30_000);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result("gateway (" + transport + ") -> Kafka" + (node.queryEngine() == null ? "" : " -> storage") + ", stream "
                    + stream, sent, acked, seconds,
                    load.ackLatency(), cpuSince(cpuAtStart));
        }
    }


    /** CPU nanoseconds of the process since {@code cpuAtStart} (from {@link ProcessCpu}), -1 if unknown. */
    public static long cpuSince(long cpuAtStart) {
        long now = ProcessCpu.withoutCompilerNanos();
        return cpuAtStart < 0 || now < 0 ? -1 : now - cpuAtStart;
    }

    /** Empties every stage histogram, so a report covers the measured period only. */
    public static void resetStages() {
        for (Stage stage : Stage.values()) {
            LatencyMetrics.global().stage(stage).reset();
        }
    }

    /** One line per second while load runs: rates and the ack latency of that second. */
    public void progress(int second, long sent, long acked, Histogram interval) {
        out.printf("t=%3ds sent/s=%7d acked/s=%7d ack p50=%7.3f ms p99=%7.3f ms p999=%7.3f ms%n", second, sent, acked,
                interval.getValueAtPercentile(50) / 1e6, interval.getValueAtPercentile(99) / 1e6,
                        interval.getValueAtPercentile(99.9) / 1e6);
    }

    /** A live table: events/s this second, and per stage p50/p99/p999 since measuring began. */
    private void stageTable(int second, long sent, long acked, Histogram interval) {
        StringBuilder table = new StringBuilder(String.format("-- t=%ds  sent/s=%d  acked/s=%d  (ms since measuring began: p50 / p99 /"
                + " p999)%n", second, sent, acked));
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
    public static long awaitCount(QueryEngine engine, String table, long expected, long timeoutMs) throws Exception {
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
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6,
                        h.getMaxValue() / 1e6);
        if (!Double.isNaN(result.cpuMicrosPerEvent())) {
            out.printf("CPU per acked event (all threads but the JIT compilers): %.3f us%n", result.cpuMicrosPerEvent());
        }
    }

    public void reportStages() {
        out.println("per-stage latency over the measured period (HdrHistogram):");
        out.print(LatencyMetrics.global().summary());
    }
}