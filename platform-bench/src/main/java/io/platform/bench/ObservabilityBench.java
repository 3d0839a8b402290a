package io.platform.bench;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.platform.deploy.demo.GatewayLoad;
import io.platform.deploy.demo.OpenLoopLoad;
import io.platform.deploy.node.PlatformNode;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import io.platform.observability.StageLatency;
import io.platform.observability.tracing.Tracing;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * {@code platform bench observability}: what the platform's own observability costs. On one node, after an
 * unmeasured warm-up, ON (per-stage latency histograms recorded, tracing sampled at the configured ratio into an
 * exporter that counts and drops spans) and OFF (no stage recording, no-op tracer) phases in the order ON OFF OFF ON
 * ON OFF OFF ON ... (drift cancels); each measures the client's ack p99 at a fixed rate, then saturating throughput;
 * medians. Client-side latency is measured by the load generator itself, so it exists in both.
 */
public final class ObservabilityBench {
    private record Phase(boolean on, double eventsPerSecond, double ackP99Ms) {
    }

    private static double median(List<Phase> phases, boolean on, ToDoubleFunction<Phase> value) {
        double[] values = phases.stream().filter(p -> p.on() == on).mapToDouble(value).sorted().toArray();
        return values[values.length / 2];
    }

    private final PlatformNode node;
    private final PrintStream out;

    /** Counts and drops spans: the SDK's work happens, no network's. */
    private static SpanExporter countingExporter(AtomicLong exported) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                exported.addAndGet(spans.size());
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
    }

    public ObservabilityBench(PlatformNode node, PrintStream out) {
        this.node = node;
        this.out = out;
    }

    /** @param phaseCount how many ON/OFF phases, in the order ON OFF OFF ON ON OFF OFF ON ...: even, at least 2 */
    public void run(int rate, int warmupSeconds, int durationSeconds, double sampleRatio, int phaseCount) throws Exception {
        AtomicLong exported = new AtomicLong();
        SpanExporter counting = countingExporter(exported);
        List<Phase> phases = new ArrayList<>();
        // JIT, page cache and broker settle first, so the first measured phase is not the slow one for that reason
        out.println("warming up (unmeasured saturating run) ...");
        new EndToEndBench(node, out).gateway(0, 0, Math.max(10, warmupSeconds * 2), false);
        for (int i = 0; i < phaseCount; i++) {
            // ABBA ABBA...: a linear drift of the machine over the run cancels out of the medians
            boolean on = i % 4 == 0 || i % 4 == 3;
            StageLatency.setRecording(on);
            Tracing tracing = on ? Tracing.install(counting, sampleRatio, "platform-bench", true) : null;
            try {
                EndToEndBench bench = new EndToEndBench(node, out);
                // the fixed rate first: a saturating run leaves queues behind that would be charged to the next phase
                GatewayLoad.Result fixed = bench.gateway(rate, warmupSeconds, durationSeconds, false);
                GatewayLoad.Result saturated = bench.gateway(0, warmupSeconds, durationSeconds, false);
                Phase phase = new Phase(on, saturated.eventsPerSecond(), fixed.ack().getValueAtPercentile(99) / 1e6);
                out.printf("observability %-3s: saturating %.0f events/s; at %d/s ack p99 %.3f ms%n", on ? "ON" : "OFF",
                        phase.eventsPerSecond(), rate, phase.ackP99Ms());
                phases.add(phase);
            } finally {
                if (tracing != null) {
                    tracing.close();
                }
                StageLatency.setRecording(true);
            }
        }
        double onRate = median(phases, true, Phase::eventsPerSecond);
        double offRate = median(phases, false, Phase::eventsPerSecond);
        double onP99 = median(phases, true, Phase::ackP99Ms);
        double offP99 = median(phases, false, Phase::ackP99Ms);
        collectionCost(rate, warmupSeconds, Math.max(durationSeconds, 10));
        out.printf("%nmedian of %d phases each (order ON OFF OFF ON ...): throughput ON %.0f / OFF %.0f events/s -> cost %.1f%%; ack p99"
                + " at %d/s ON %.3f / OFF %.3f ms -> cost %.1f%%; %d spans exported%n",
                phaseCount / 2, onRate, offRate, 100 * (1 - onRate / offRate), rate, onP99, offP99, 100 * (onP99 / offP99 - 1),
                        exported.get());
    }

    /** The measured cost of one interleaved run: ON against OFF, pooled and as a bootstrap interval over blocks. */
    private record Interleaved(double onValue, double offValue, double cost, double costLow, double costHigh, int blocks,
            int blocksOnWorse) {
    }

    /**
     * ON and OFF alternated every {@code sliceMs} within one continuous load (ABBA per four slices), so both see the same
     * machine: a GC, a compaction or a neighbour's burst falls on either at random instead of on one whole phase. Each
     * event counts for the mode it was sent in. Two loads, each {@code seconds} long after an unmeasured saturating
     * warm-up: at {@code rate} for ack p99, then saturating for throughput. The cost is pooled over the run; its 95%
     * interval comes from resampling blocks of eight slices (four ON, four OFF) with replacement.
     */
    public void runInterleaved(int rate, int warmupSeconds, int seconds, double sampleRatio, int sliceMs) throws Exception {
        AtomicLong exported = new AtomicLong();
        Tracing on = Tracing.install(countingExporter(exported), sampleRatio, "platform-bench", true);
        Tracing off = Tracing.noop();
        try {
            out.println("warming up (unmeasured saturating run) ...");
            new EndToEndBench(node, out).gateway(0, 0, Math.max(10, warmupSeconds * 2), false);
            Interleaved p99 = interleave(rate, warmupSeconds, seconds, sliceMs, on, off, true);
            Interleaved throughput = interleave(0, warmupSeconds, seconds, sliceMs, on, off, false);
            out.printf("%ninterleaved every %d ms over %d s (ON OFF OFF ON ...), %d spans exported:%n", sliceMs, seconds, exported.get());
            out.printf("  ack p99 at %d/s: ON %.3f / OFF %.3f ms -> cost %.1f%% (95%% interval %.1f%% .. %.1f%%; ON worse in %d of %d"
                    + " blocks)%n",
                    rate, p99.onValue(), p99.offValue(), p99.cost(), p99.costLow(), p99.costHigh(), p99.blocksOnWorse(), p99.blocks());
            out.printf("  saturating throughput: ON %.0f / OFF %.0f events/s -> cost %.1f%% (95%% interval %.1f%% .. %.1f%%; ON worse in"
                    + " %d of %d blocks)%n",
                    throughput.onValue(), throughput.offValue(), throughput.cost(), throughput.costLow(), throughput.costHigh(),
                    throughput.blocksOnWorse(), throughput.blocks());
        } finally {
            StageLatency.setRecording(true);
            on.close();
        }
    }

    private Interleaved interleave(int rate, int warmupSeconds, int seconds, int sliceMs, Tracing on, Tracing off, boolean latency)
            throws Exception {
        int slicesPerBlock = 8;
        List<Histogram[]> blockLatency = new ArrayList<>();
        List<double[]> blockRate = new ArrayList<>();
        AtomicReference<OpenLoopLoad> loadRef = new AtomicReference<>();
        int blockCount = Math.max(1, seconds * 1000 / (slicesPerBlock * sliceMs));
        Thread switcher = new Thread(() -> {
            try {
                while (loadRef.get() == null) {
                    Thread.sleep(1);
                }
                OpenLoopLoad load = loadRef.get();
                // the load's own warm-up is not measured: start switching when it ends
                Thread.sleep(warmupSeconds * 1000L);
                Histogram[] recycled = new Histogram[2];
                long[] ackedBefore = new long[2];
                for (int slice = 0; slice <= blockCount * slicesPerBlock; slice++) {
                    boolean last = slice == blockCount * slicesPerBlock;
                    boolean isOn = slice % 4 == 0 || slice % 4 == 3;
                    if (last) {
                        // the events of the last block still in flight are acked now; what is sent now counts nowhere
                        load.setVariant(OpenLoopLoad.NO_VARIANT);
                    } else {
                        StageLatency.setRecording(isOn);
                        (isOn ? on : off).makeGlobal();
                        load.setVariant(isOn ? 1 : 0);
                    }
                    Thread.sleep(sliceMs);
                    if (last || (slice + 1) % slicesPerBlock == 0) {
                        // acks that arrive after their block ended land in the next one: same mode, so the pooled
                        // figures are exact and a block's figures lag by up to one ack latency
                        Histogram[] block = new Histogram[2];
                        double[] rates = new double[2];
                        for (int v = 0; v < 2; v++) {
                            recycled[v] = load.variantInterval(v, recycled[v]);
                            block[v] = recycled[v].copy();
                            long acked = load.variantAcked(v);
                            rates[v] = (acked - ackedBefore[v]) / (slicesPerBlock / 2 * sliceMs / 1000.0);
                            ackedBefore[v] = acked;
                        }
                        if (last) {
                            Histogram[] previous = blockLatency.get(blockLatency.size() - 1);
                            double[] previousRates = blockRate.get(blockRate.size() - 1);
                            for (int v = 0; v < 2; v++) {
                                previous[v].add(block[v]);
                                previousRates[v] += rates[v];
                            }
                        } else {
                            blockLatency.add(block);
                            blockRate.add(rates);
                        }
                    }
                }
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            } finally {
                StageLatency.setRecording(true);
                on.makeGlobal();
            }
        }, "observability-ab-switcher");
        switcher.setDaemon(true);
        EndToEndBench bench = new EndToEndBench(node, out).watching(load -> {
            loadRef.set(load);
            switcher.start();
        });
        try {
            bench.gateway(rate, warmupSeconds, seconds, false);
            switcher.join(TimeUnit.SECONDS.toMillis(warmupSeconds + seconds) + 10L * sliceMs);
        } finally {
            switcher.interrupt();
            switcher.join();
        }
        // every block has four slices of each mode
        List<Histogram[]> latencies = new ArrayList<>(blockLatency);
        List<double[]> rates = new ArrayList<>(blockRate);
        ToDoubleBiFunction<List<Integer>, Integer> statistic = latency
                ? (picked, v) -> {
                    Histogram merged = new Histogram(latencies.get(0)[v].getHighestTrackableValue(), 2);
                    picked.forEach(b -> merged.add(latencies.get(b)[v]));
                    return merged.getValueAtPercentile(99) / 1e6;
                }
                : (picked, v) -> picked.stream().mapToDouble(b -> rates.get(b)[v]).average().orElse(0);
        int blocks = latency ? latencies.size() : rates.size();
        List<Integer> all = new ArrayList<>();
        int onWorse = 0;
        for (int b = 0; b < blocks; b++) {
            all.add(b);
            double onValue = statistic.applyAsDouble(List.of(b), 1);
            double offValue = statistic.applyAsDouble(List.of(b), 0);
            onWorse += (latency ? onValue > offValue : onValue < offValue) ? 1 : 0;
        }
        double onValue = statistic.applyAsDouble(all, 1);
        double offValue = statistic.applyAsDouble(all, 0);
        Random random = new Random(20261124);
        double[] costs = new double[1000];
        for (int r = 0; r < costs.length; r++) {
            List<Integer> picked = new ArrayList<>();
            for (int b = 0; b < blocks; b++) {
                picked.add(random.nextInt(blocks));
            }
            costs[r] = cost(statistic.applyAsDouble(picked, 1), statistic.applyAsDouble(picked, 0), latency);
        }
        Arrays.sort(costs);
        return new Interleaved(onValue, offValue, cost(onValue, offValue, latency), costs[25], costs[974], blocks, onWorse);
    }

    /** The cost of ON in percent: extra latency, or lost throughput. */
    private static double cost(double on, double off, boolean latency) {
        return latency ? 100 * (on / off - 1) : 100 * (1 - on / off);
    }

    /**
     * What collecting the metrics costs in CPU at {@code rate} events/s, added up from its parts rather than read off
     * a throughput difference (which this machine's noise hides): the recordings the pipeline made in the run times
     * the CPU cost of one recording (timed on this thread, uncontended), plus the CPU the 100-ms ticker and the
     * 1-s dashboard sampler threads used, plus one Prometheus scrape every 15 s.
     */
    public void collectionCost(int rate, int warmupSeconds, int seconds) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // steady state only: until the JIT has compiled the histogram loops, the ticker runs them interpreted
        new EndToEndBench(node, out).gateway(rate, 0, warmupSeconds, false);
        long recordsBefore = totalRecordings();
        double tickerBefore = LatencyMetrics.global().tickerCpuSeconds();
        long samplerBefore = threadCpuNs(threads, "stats-sampler");
        long wallStart = System.nanoTime();
        GatewayLoad.Result result = new EndToEndBench(node, out).gateway(rate, 0, seconds, false);
        double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
        long records = totalRecordings() - recordsBefore;
        long tickerNs = (long) ((LatencyMetrics.global().tickerCpuSeconds() - tickerBefore) * 1e9);
        long backgroundNs = tickerNs + threadCpuNs(threads, "stats-sampler") - samplerBefore;

        StageLatency scratch = StageLatency.unregistered(Stage.QUERY);
        for (int i = 0; i < 2_000_000; i++) {
            scratch.recordNanos(1_000 + (i & 0xffff));
        }
        int timed = 10_000_000;
        long cpuStart = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < timed; i++) {
            scratch.recordNanos(1_000 + (i & 0xffff));
        }
        double nsPerRecord = (threads.getCurrentThreadCpuTime() - cpuStart) / (double) timed;
        cpuStart = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < 5; i++) {
            LatencyMetrics.global().scrape();
        }
        double scrapeNs = (threads.getCurrentThreadCpuTime() - cpuStart) / 5.0;

        double recordingsPerSecond = records / wallSeconds;
        double cpuNsPerSecond = recordingsPerSecond * nsPerRecord + backgroundNs / wallSeconds + scrapeNs / 15;
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf("%nmetrics collection at %.0f events/s: %.0f recordings/s x %.1f ns + ticker and sampler threads %.2f ms/s + one scrape"
                        + " (%.2f ms) per 15 s = %.2f ms CPU per second = %.3f%% of one core, %.3f%% of this %d-core machine"
                        + " (ticker %.2f ms/s, sampler %.2f ms/s)%n",
                result.eventsPerSecond(), recordingsPerSecond, nsPerRecord, backgroundNs / wallSeconds / 1e6, scrapeNs / 1e6,
                cpuNsPerSecond / 1e6, cpuNsPerSecond / 1e7, cpuNsPerSecond / 1e7 / cores, cores,
                tickerNs / wallSeconds / 1e6, (backgroundNs - tickerNs) / wallSeconds / 1e6);
    }

    private static long totalRecordings() {
        long total = 0;
        for (Stage stage : Stage.values()) {
            total += LatencyMetrics.global().stage(stage).count();
        }
        return total;
    }

    /** CPU time of the named thread (the dashboard's sampler), in ns; 0 when there is none. */
    private static long threadCpuNs(ThreadMXBean threads, String name) {
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().equals(name)) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }
}
