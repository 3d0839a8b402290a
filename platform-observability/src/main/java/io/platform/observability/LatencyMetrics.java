package io.platform.observability;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.EnumMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The process-wide latency and counter registry. One instance per JVM ({@link #global()}) because Flink operators
 * running in the same JVM as the node record into it without a reference being passed through the job graph.
 * Thread-safe.
 */
public final class LatencyMetrics {
    private static final double[] QUANTILES = {0.5, 0.99, 0.999};
    /** Windows exported to Prometheus, in slots of {@link StageLatency#TICK_MS} ms: the last second and the last 10 s. */
    private static final Map<String, Integer> WINDOWS = Map.of("1s", StageLatency.SLOTS_PER_SECOND, "10s", StageLatency.SLOTS);
    // last among the statics: the constructor reads the ones above
    private static final LatencyMetrics GLOBAL = new LatencyMetrics();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<Stage, StageLatency> stages = new EnumMap<>(Stage.class);
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "metrics-ticker");
        t.setDaemon(true);
        return t;
    });
    private volatile long tickerThreadId = -1;

    private LatencyMetrics() {
        for (Stage stage : Stage.values()) {
            StageLatency latency = new StageLatency(stage);
            // a Micrometer timer read from the stage at scrape time: count and total without a per-event cost;
            // the exact percentiles come from HdrHistogram below (Micrometer's own cost several times more per record)
            FunctionTimer.builder("platform.stage.latency", latency, StageLatency::count, StageLatency::totalNanos, TimeUnit.NANOSECONDS)
                    .description("latency of one pipeline stage")
                    .tag("stage", stage.metricName())
                    .register(registry);
            stages.put(stage, latency);
            for (double q : QUANTILES) {
                // HdrHistogram view since start: exact tail percentiles that never average across intervals.
                Gauge.builder("platform.stage.latency.hdr.ms", latency, l -> l.snapshot().getValueAtPercentile(q * 100) / 1e6)
                        .description("latency percentile since start, from HdrHistogram")
                        .tag("stage", stage.metricName())
                        .tag("quantile", Double.toString(q))
                        .register(registry);
                for (Map.Entry<String, Integer> window : WINDOWS.entrySet()) {
                    // merged 100-ms slots: a recent view that a since-start percentile hides after a while
                    Gauge.builder("platform.stage.latency.window.ms", latency, l ->
                            l.window(window.getValue()).getValueAtPercentile(q * 100) / 1e6)
                            .description("latency percentile over the last window, merged from 100-ms HdrHistogram slots")
                            .tag("stage", stage.metricName())
                            .tag("window", window.getKey())
                            .tag("quantile", Double.toString(q))
                            .register(registry);
                }
            }
            Gauge.builder("platform.stage.latency.worst.slot.p99.ms", latency, l -> l.worstSlotPercentile(StageLatency.SLOTS, 99) / 1e6)
                    .description("the highest p99 of any 100-ms slot in the last 10 s: spikes a scrape interval flattens")
                    .tag("stage", stage.metricName())
                    .register(registry);
        }
        FunctionCounter.builder("platform.metrics.collection.cpu.seconds", this, LatencyMetrics::tickerCpuSeconds)
                .description("CPU time spent closing 100-ms latency slots (the recording itself is on the callers' threads)")
                .register(registry);
        StageLatency.warmUpMergeCode();
        ticker.scheduleAtFixedRate(this::tick, StageLatency.TICK_MS, StageLatency.TICK_MS, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        tickerThreadId = Thread.currentThread().getId();
        for (StageLatency latency : stages.values()) {
            latency.tick();
        }
    }

    /** CPU time the 100-ms ticker thread has used since start, in seconds (0 where the JVM cannot tell). */
    public double tickerCpuSeconds() {
        long id = tickerThreadId;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (id < 0 || !threads.isThreadCpuTimeSupported()) {
            return 0;
        }
        long nanos = threads.getThreadCpuTime(id);
        return nanos < 0 ? 0 : nanos / 1e9;
    }

    public static LatencyMetrics global() {
        return GLOBAL;
    }

    public StageLatency stage(Stage stage) {
        return stages.get(stage);
    }

    public void recordNanos(Stage stage, long nanos) {
        stages.get(stage).recordNanos(nanos);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Increments a counter, e.g. {@code platform.ingest.events{outcome=accepted}}. */
    public void count(String name, String tagKey, String tagValue, long amount) {
        registry.counter(name, tagKey, tagValue).increment(amount);
    }

    /** Increments a counter with several tags given as key, value pairs; every use of a name must give the same keys. */
    public void count(String name, long amount, String... tags) {
        registry.counter(name, tags).increment(amount);
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    /** One line per stage with count and p50/p99/p999/max in milliseconds, for consoles. */
    public String summary() {
        StringBuilder out =
                new StringBuilder(String.format("%-12s %10s %9s %9s %9s %9s%n", "stage", "count", "p50 ms", "p99 ms", "p999 ms", "max ms"));
        for (Stage stage : Stage.values()) {
            Histogram h = stages.get(stage).snapshot();
            out.append(formatRow(stage.metricName(), h));
        }
        return out.toString();
    }

    public static String formatRow(String name, Histogram h) {
        return String.format("%-12s %10d %9.3f %9.3f %9.3f %9.3f%n", name, h.getTotalCount(),
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
    }
}
