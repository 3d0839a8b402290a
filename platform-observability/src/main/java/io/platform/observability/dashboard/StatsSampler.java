package io.platform.observability.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import io.platform.observability.StageLatency;
import io.platform.observability.http.ServiceHttpServer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.HdrHistogram.AbstractHistogram;

/**
 * Once a second, turns each stage's last ten 100-ms slots into that second's figures (count, p50/p99/p999 of the
 * merged slots, so percentiles are never averaged) and reads the node's gauges; keeps the last
 * {@link #HISTORY_SECONDS} seconds for the dashboard. The SLO burn rate compares the share of end_to_end events over
 * the objective's latency with the share the objective allows. Thread-safe.
 */
public final class StatsSampler implements AutoCloseable {
    private final LatencyMetrics metrics;
    public static final int HISTORY_SECONDS = 300;

    /** One second of figures. */
    public record Sample(long timeMs, Map<String, double[]> stages, Map<String, Double> gauges, double sloBurnRate) {
    }

    private final Map<String, LongSupplier> gauges = new LinkedHashMap<>();
    private final Deque<Sample> history = new ArrayDeque<>();
    private final ScheduledExecutorService timer;
    private final long objectiveLatencyNs;
    private final double allowedSlowFraction;

    /**
     * @param objectiveLatencyMs the end-to-end latency the SLO promises, e.g. 50
     * @param objective the share of events that must meet it, e.g. 0.999
     */
    public StatsSampler(double objectiveLatencyMs, double objective) {
        this(objectiveLatencyMs, objective, LatencyMetrics.global());
    }

    /** The same sampler over the stage histograms of {@code metrics}: the node passes its own. */
    public StatsSampler(double objectiveLatencyMs, double objective, LatencyMetrics metrics) {
        this.metrics = metrics;
        this.objectiveLatencyNs = (long) (objectiveLatencyMs * 1e6);
        this.allowedSlowFraction = 1 - objective;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stats-sampler");
            t.setDaemon(true);
            return t;
        });
    }

    /** Adds a gauge sampled each second, e.g. consumer lag or in-flight events. Call before {@link #start()}. */
    public StatsSampler gauge(String name, LongSupplier value) {
        gauges.put(name, value);
        return this;
    }

    public StatsSampler start() {
        timer.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    /** Takes one sample now; also what the timer runs. */
    public synchronized Sample sample() {
        Map<String, double[]> stages = new LinkedHashMap<>();
        double burn = 0;
        for (Stage stage : Stage.values()) {
            // the last second as the merge of its ten closed 100-ms slots: no copy of the since-start histogram
            AbstractHistogram second = metrics.stage(stage).window(StageLatency.SLOTS_PER_SECOND);
            long count = second.getTotalCount();
            stages.put(stage.metricName(), new double[] {count, second.getValueAtPercentile(50) / 1e6,
                    second.getValueAtPercentile(99) / 1e6, second.getValueAtPercentile(99.9) / 1e6});
            if (stage == Stage.END_TO_END && count > 0) {
                long slow = count - second.getCountBetweenValues(0, objectiveLatencyNs);
                burn = ((double) slow / count) / allowedSlowFraction;
            }
        }
        Map<String, Double> gaugeValues = new LinkedHashMap<>();
        gauges.forEach((name, supplier) -> gaugeValues.put(name, (double) supplier.getAsLong()));
        Sample sample = new Sample(System.currentTimeMillis(), stages, gaugeValues, burn);
        history.addLast(sample);
        while (history.size() > HISTORY_SECONDS) {
            history.removeFirst();
        }
        return sample;
    }

    public synchronized List<Sample> history() {
        return new ArrayList<>(history);
    }

    /** The history as JSON: {@code {"samples":[{"t":..,"stages":{"validate":[count,p50,p99,p999],..},"gauges":{..},"burn":..}]}}. */
    public String historyJson() {
        ObjectNode answer = ServiceHttpServer.jsonObject()
                .put("objectiveMs", objectiveLatencyNs / 1e6)
                .put("objective", 1 - allowedSlowFraction);
        ArrayNode samples = answer.putArray("samples");
        for (Sample s : history()) {
            ObjectNode sample = samples.addObject().put("t", s.timeMs());
            ObjectNode stages = sample.putObject("stages");
            for (Map.Entry<String, double[]> stage : s.stages().entrySet()) {
                double[] v = stage.getValue();
                ArrayNode figures = stages.putArray(stage.getKey()).add((long) v[0]);
                figures.add(round(v[1])).add(round(v[2])).add(round(v[3]));
            }
            ObjectNode gauges = sample.putObject("gauges");
            s.gauges().forEach((name, value) -> gauges.set(name, round(value)));
            sample.set("burn", round(s.sloBurnRate()));
        }
        return answer.toString();
    }

    /** Three decimals; a value that is not finite is written as the integer 0. */
    private static NumericNode round(double v) {
        return Double.isFinite(v) ? DoubleNode.valueOf(Math.round(v * 1000) / 1000.0) : IntNode.valueOf(0);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
