package io.platform.bench;

import io.platform.deploy.demo.GatewayLoad;
import io.platform.deploy.demo.OpenLoopLoad;
import io.platform.deploy.demo.SensorEvents;
import io.platform.deploy.node.PlatformNode;
import io.platform.ingest.client.AdaptiveBatcher;
import io.platform.ingest.client.GatewayClient;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * {@code platform bench batching}: one client offers single events to the gateway (binary TCP) through an
 * {@link AdaptiveBatcher}, first at a low rate and then at a high one, open loop, once per batching setting: fixed
 * small batches, fixed large batches with a long linger, and adaptive. Per phase it reports the acknowledged events/s
 * and the ack latency from each event's intended send time, so a setting that cannot keep up or that holds events
 * back shows it.
 */
public final class BatchingBench {
    /** One setting's two phases. */
    public record Outcome(String setting, GatewayLoad.Result low, GatewayLoad.Result high, double meanBatchLow, double meanBatchHigh) {
    }

    private final PlatformNode node;
    private final PrintStream out;

    public BatchingBench(PlatformNode node, PrintStream out) {
        this.node = node;
        this.out = out;
    }

    /** The settings compared: the named fixed ones against adaptive within the same bounds. */
    public static Map<String, AdaptiveBatcher.Settings> settings() {
        Map<String, AdaptiveBatcher.Settings> settings = new LinkedHashMap<>();
        settings.put("fixed 16 events / 1 ms", AdaptiveBatcher.Settings.fixed(16, 1, TimeUnit.MILLISECONDS, 64));
        settings.put("fixed 1024 events / 20 ms", AdaptiveBatcher.Settings.fixed(1024, 20, TimeUnit.MILLISECONDS, 64));
        settings.put("adaptive 1..4096 / 20 ms", AdaptiveBatcher.Settings.adaptiveDefaults());
        return settings;
    }

    public List<Outcome> run(int lowRate, int highRate, int warmupSeconds, int durationSeconds) throws Exception {
        EndToEndBench setup = new EndToEndBench(node, out);
        int schemaId = setup.registerSampleStream().id();
        // encoded once: the load thread must outpace every setting, so it only hands over ready values
        SensorEvents events = new SensorEvents(schemaId, 1000);
        byte[][] values = new byte[4096][];
        long now = System.currentTimeMillis();
        for (int i = 0; i < values.length; i++) {
            values[i] = events.encode(i, now);
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Map.Entry<String, AdaptiveBatcher.Settings> setting : settings().entrySet()) {
            outcomes.add(runSetting(setting.getKey(), setting.getValue(), values, lowRate, highRate, warmupSeconds, durationSeconds));
        }
        report(outcomes, lowRate, highRate);
        return outcomes;
    }

    private Outcome runSetting(String name, AdaptiveBatcher.Settings settings, byte[][] values, int lowRate, int highRate,
                               int warmupSeconds, int durationSeconds) throws Exception {
        out.printf("-- %s%n", name);
        Phase phase = new Phase();
        try (GatewayClient client = GatewayClient.connect(node.host(), node.gatewayTcpPort());
             AdaptiveBatcher batcher = AdaptiveBatcher.forGateway(client, SensorEvents.STREAM, settings,
                     (firstSeq, count, ok) -> phase.load.acked(firstSeq - phase.base, count, ok))) {
            GatewayLoad.Result low = phase.run(batcher, values, "low " + lowRate + "/s", lowRate, warmupSeconds, durationSeconds);
            AdaptiveBatcher.Stats afterLow = batcher.stats();
            GatewayLoad.Result high = phase.run(batcher, values, "high " + highRate + "/s", highRate, warmupSeconds, durationSeconds);
            AdaptiveBatcher.Stats afterHigh = batcher.stats();
            double meanLow = afterLow.eventsSent() / (double) Math.max(1, afterLow.batchesSent());
            double meanHigh = (afterHigh.eventsSent() - afterLow.eventsSent()) / (double) Math.max(1,
                    afterHigh.batchesSent() - afterLow.batchesSent());
            out.printf("   low: %.0f events/s, ack p99 %.3f ms; high: %.0f events/s, ack p99 %.3f ms; %s%n", low.eventsPerSecond(),
                    low.ack().getValueAtPercentile(99) / 1e6, high.eventsPerSecond(), high.ack().getValueAtPercentile(99) / 1e6, afterHigh);
            return new Outcome(name, low, high, meanLow, meanHigh);
        }
    }

    /** One open-loop phase; acks of the batcher map back to this phase's sequence numbers. */
    private static final class Phase {
        volatile OpenLoopLoad load = new OpenLoopLoad();
        volatile long base;

        GatewayLoad.Result run(AdaptiveBatcher batcher, byte[][] values, String name, int rate, int warmupSeconds, int durationSeconds)
                throws Exception {
            OpenLoopLoad current = new OpenLoopLoad();
            load = current;
            long start = System.nanoTime();
            long first = base;
            long sent = current.run((firstSeq, count, l) -> {
                try {
                    for (long seq = firstSeq; seq < firstSeq + count; seq++) {
                        batcher.offer(first + seq, values[(int) (seq & (values.length - 1))]);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, rate, warmupSeconds, durationSeconds, () -> { }, (s, a, b, h) -> { });
            double seconds = (System.nanoTime() - start) / 1e9;
            batcher.flush();
            long acked = current.awaitAcks(sent, 60_000);
            batcher.awaitAcks(10, TimeUnit.SECONDS);
            base = first + sent;
            // throughput over the phase's send time: a setting that falls behind finishes its backlog after it
            return new GatewayLoad.Result(name, sent, acked, Math.max(seconds, (System.nanoTime() - start) / 1e9), current.ackLatency());
        }
    }

    private void report(List<Outcome> outcomes, int lowRate, int highRate) {
        out.printf("%n%-28s | %-42s | %-42s%n", "", "low rate " + lowRate + "/s", "high rate " + highRate + "/s");
        out.printf("%-28s | %9s %8s %8s %8s %6s | %9s %8s %8s %8s %6s%n", "setting", "events/s", "p50 ms", "p99 ms", "p999 ms", "batch",
                "events/s", "p50 ms", "p99 ms", "p999 ms", "batch");
        for (Outcome o : outcomes) {
            Histogram l = o.low().ack();
            Histogram h = o.high().ack();
            out.printf("%-28s | %9.0f %8.3f %8.3f %8.3f %6.1f | %9.0f %8.3f %8.3f %8.3f %6.1f%n", o.setting(),
                    o.low().eventsPerSecond(), l.getValueAtPercentile(50) / 1e6, l.getValueAtPercentile(99) / 1e6,
                            l.getValueAtPercentile(99.9) / 1e6,
                    o.meanBatchLow(), o.high().eventsPerSecond(), h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                    h.getValueAtPercentile(99.9) / 1e6, o.meanBatchHigh());
        }
        out.println("events/s: acknowledged events over the phase (incl. draining a backlog); latency: intended send -> ack;"
                + " batch: mean events per batch in the phase.");
    }
}
