package io.platform.processing.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a running job spends its time, per task (Flink chains operators into tasks and measures busy, back-pressured
 * and idle time per task), and which task is the bottleneck. The rule follows Flink's guidance on back pressure: the
 * bottleneck is the busiest task that is itself not back-pressured (a back-pressured task waits on a slower one
 * downstream); when no task is busy more than {@value #BUSY_MS_PER_SECOND} ms per second, there is none.
 */
public final class JobProfile {
    /** Below this busy time per second (of 1000) a task is not a bottleneck. */
    public static final double BUSY_MS_PER_SECOND = 100;

    /**
     * One task's figures: time per second split three ways, records per second in and out, and what the state of its
     * operators holds (RocksDB's estimates; 0 with the heap backend, whose state shows only in the checkpoint size).
     */
    public record Task(String name, double busyMsPerSecond, double backPressuredMsPerSecond, double idleMsPerSecond,
                       double recordsInPerSecond, double recordsOutPerSecond, long stateBytes, long stateKeys) {
        /** A task without state figures. */
        public Task(String name, double busyMsPerSecond, double backPressuredMsPerSecond, double idleMsPerSecond,
                    double recordsInPerSecond, double recordsOutPerSecond) {
            this(name, busyMsPerSecond, backPressuredMsPerSecond, idleMsPerSecond, recordsInPerSecond, recordsOutPerSecond, 0, 0);
        }

        /**
         * Busy time per record in, in microseconds: what one record costs this task, its latency contribution when
         * records do not queue; NaN when no records come in (a source's records come from outside).
         */
        public double busyMicrosPerRecord() {
            return recordsInPerSecond > 0 ? busyMsPerSecond * 1000 / recordsInPerSecond : Double.NaN;
        }
    }

    /** A job's tasks and its checkpoints' last figures, however they were read. */
    public record Figures(List<Task> tasks, long lastCheckpointMs, long lastCheckpointBytes, long completedCheckpoints) {
    }

    private JobProfile() {
    }

    /** The figures of {@code job} (its Flink name) from the metrics bridge: a job on this JVM's MiniCluster. */
    public static Figures fromBridge(String job) {
        return new Figures(tasks(job), (long) FlinkMetricsBridge.value(job, "lastCheckpointDuration"),
                (long) FlinkMetricsBridge.value(job, "lastCheckpointSize"),
                (long) FlinkMetricsBridge.value(job, "numberOfCompletedCheckpoints"));
    }

    /** The tasks of {@code job} from the metrics bridge, subtasks summed per task name (averaged for the times). */
    public static List<Task> tasks(String job) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, Integer> subtasks = new LinkedHashMap<>();
        for (FlinkMetricsBridge.Reading reading : FlinkMetricsBridge.readings()) {
            if (!reading.job().equals(job) || reading.task().isEmpty()) {
                continue;
            }
            double[] figures = sums.computeIfAbsent(reading.task(), t -> new double[7]);
            double value = reading.value();
            if (Double.isNaN(value)) {
                continue;
            }
            switch (reading.name()) {
                case "busyTimeMsPerSecond" -> {
                    figures[0] += value;
                    subtasks.merge(reading.task(), 1, Integer::sum);
                }
                case "backPressuredTimeMsPerSecond" -> figures[1] += value;
                case "idleTimeMsPerSecond" -> figures[2] += value;
                case "numRecordsInPerSecond" -> figures[3] += value;
                case "numRecordsOutPerSecond" -> figures[4] += value;
                case "rocksdb.estimate-live-data-size" -> figures[5] += value;
                case "rocksdb.estimate-num-keys" -> figures[6] += value;
                default -> { }
            }
        }
        List<Task> tasks = new ArrayList<>();
        sums.forEach((name, f) -> {
            int n = Math.max(1, subtasks.getOrDefault(name, 1));
            tasks.add(new Task(name, f[0] / n, f[1] / n, f[2] / n, f[3], f[4], (long) f[5], (long) f[6]));
        });
        return tasks;
    }

    /** The bottleneck task by the rule above, or null when no task is busy enough to be one. */
    public static Task bottleneck(List<Task> tasks) {
        return tasks.stream()
                .filter(t -> t.busyMsPerSecond() >= BUSY_MS_PER_SECOND && t.backPressuredMsPerSecond() < t.busyMsPerSecond())
                .max(Comparator.comparingDouble(Task::busyMsPerSecond))
                .orElse(null);
    }
}
