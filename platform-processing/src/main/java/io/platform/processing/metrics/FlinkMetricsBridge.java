package io.platform.processing.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.platform.observability.LatencyMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;

/**
 * A Flink {@link MetricReporter} that keeps the metrics the platform reads (task busy/back-pressured/idle time and
 * record rates; job checkpoint duration, size and counts) and registers each as a Prometheus gauge
 * {@code platform_flink_<metric>{job,task,subtask}}. Reading one is a call on Flink's own gauge or meter, so nothing is
 * polled. Enabled with {@link #configure}; Flink creates it through {@link FlinkMetricsBridgeFactory}. Thread-safe.
 */
public final class FlinkMetricsBridge implements MetricReporter {
    /**
     * Task-level metrics kept (Flink measures back-pressure per task, i.e. per chain of operators), with the last
     * checkpoint's barrier alignment time and start delay (ns) of tasks that have network inputs: what grows first
     * when back-pressure slows checkpoints.
     */
    public static final Set<String> TASK_METRICS = Set.of("busyTimeMsPerSecond", "backPressuredTimeMsPerSecond", "idleTimeMsPerSecond",
            "numRecordsInPerSecond", "numRecordsOutPerSecond", "checkpointAlignmentTime", "checkpointStartDelayNanos");
    /** Job-level checkpoint metrics kept. */
    public static final Set<String> JOB_METRICS = Set.of("lastCheckpointDuration", "lastCheckpointSize", "lastCheckpointFullSize",
            "numberOfCompletedCheckpoints", "numberOfFailedCheckpoints");

    /**
     * Operator-level RocksDB figures kept, per state (column family): what the state holds. Flink registers them when
     * {@link #configure} turns them on; the heap backend has none (its state shows in the checkpoint size).
     */
    public static final Map<String, String> STATE_METRICS = Map.of("rocksdb.estimate-live-data-size", "platform.flink.state.live.bytes",
            "rocksdb.estimate-num-keys", "platform.flink.state.keys");

    /** Operator-level figures of a rate-controlled source ({@code flink.source.rate-control=aimd}): its limit and signal. */
    public static final Map<String, String> SOURCE_METRICS = Map.of("sourceRateLimit", "platform.flink.source.rate.limit",
            "sourceBackPressuredRatio", "platform.flink.source.backpressured.ratio");

    /** One kept metric and where it belongs ({@code operator} and {@code state} are empty above operator level). */
    public record Reading(String job, String task, String subtask, String operator, String state, String name, Metric metric) {
        /** The current value; NaN for a gauge that is not a number. */
        public double value() {
            // qualified: Gauge and Meter are imported as Micrometer's; these are Flink's
            if (metric instanceof org.apache.flink.metrics.Gauge<?> gauge) {
                return gauge.getValue() instanceof Number n ? n.doubleValue() : Double.NaN;
            }
            if (metric instanceof org.apache.flink.metrics.Meter meter) {
                return meter.getRate();
            }
            if (metric instanceof Counter counter) {
                return counter.getCount();
            }
            return Double.NaN;
        }
    }

    private static final Map<Metric, Reading> READINGS = new ConcurrentHashMap<>();
    private static final Map<Metric, Meter> METERS = new ConcurrentHashMap<>();

    /** Adds the reporter to a Flink configuration (the MiniCluster's, or a cluster whose TaskManagers run the platform). */
    public static void configure(Configuration conf) {
        conf.setString("metrics.reporter.platform.factory.class", FlinkMetricsBridgeFactory.class.getName());
        // what each operator's RocksDB state holds: two cheap RocksDB properties, read when scraped
        conf.setString("state.backend.rocksdb.metrics.estimate-live-data-size", "true");
        conf.setString("state.backend.rocksdb.metrics.estimate-num-keys", "true");
        conf.setString("state.backend.rocksdb.metrics.column-family-as-variable", "true");
        // task back-pressure and busy time are sampled; the default interval is fine, the reporter reads on demand
    }

    /** Every kept metric now registered, e.g. for a job profile. */
    public static List<Reading> readings() {
        return new ArrayList<>(READINGS.values());
    }

    /** The readings of one job (by its Flink job name) and metric name. */
    public static List<Reading> readings(String job, String name) {
        List<Reading> out = new ArrayList<>();
        for (Reading reading : READINGS.values()) {
            if (reading.job().equals(job) && reading.name().equals(name)) {
                out.add(reading);
            }
        }
        return out;
    }

    /** The value of a job-level metric (e.g. {@code lastCheckpointDuration}); 0 while the job has none. */
    public static double value(String job, String name) {
        List<Reading> found = readings(job, name);
        double value = found.isEmpty() ? 0 : found.get(0).value();
        return Double.isNaN(value) ? 0 : value;
    }

    @Override
    public void open(MetricConfig config) {
    }

    @Override
    public void close() {
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        Map<String, String> variables = group.getAllVariables();
        String job = variables.get("<job_name>");
        String task = variables.get("<task_name>");
        String operator = variables.get("<operator_name>");
        String operatorMetric = operator == null ? null : STATE_METRICS.containsKey(name) ? STATE_METRICS.get(name)
                : SOURCE_METRICS.get(name);
        boolean kept = task != null ? (operator == null ? TASK_METRICS.contains(name) : operatorMetric != null)
                : job != null && JOB_METRICS.contains(name);
        if (!kept) {
            return;
        }
        Reading reading = new Reading(job, task == null ? "" : task, variables.getOrDefault("<subtask_index>", ""),
                operator == null ? "" : operator, variables.getOrDefault("<column_family>", ""), name, metric);
        READINGS.put(metric, reading);
        MeterRegistry registry = LatencyMetrics.global().registry();
        Gauge.Builder<Reading> gauge =
                Gauge.builder(operatorMetric != null ? operatorMetric : "platform.flink." + snakeCase(name), reading, Reading::value)
                .description("Flink metric " + name + ", read from Flink's own metric when scraped")
                .tag("job", job).tag("task", reading.task()).tag("subtask", reading.subtask());
        if (operatorMetric != null) {
            gauge.tag("operator", reading.operator()).tag("state", reading.state());
        }
        METERS.put(metric, gauge.register(registry));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        READINGS.remove(metric);
        Meter meter = METERS.remove(metric);
        if (meter != null) {
            LatencyMetrics.global().registry().remove(meter);
        }
    }

    static String snakeCase(String camel) {
        StringBuilder out = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('.').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
