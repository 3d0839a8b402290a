package io.platform.deploy.processing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.platform.observability.logging.AuditLog;
import io.platform.processing.aggregation.AggregationJob;
import io.platform.processing.aggregation.AggregationSettings;
import io.platform.processing.checkpoints.CheckpointPlan;
import io.platform.processing.checkpoints.WriteBandwidth;
import io.platform.processing.metrics.FlinkMetricsBridge;
import io.platform.processing.metrics.JobProfile;
import io.platform.processing.state.SlotMemory;
import io.platform.processing.state.StateBackendRule;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Flink MiniCluster in the node, and one aggregation job per stream on it, so every stream has its own
 * watermark and its own checkpoints ({@code flink/checkpoints/<stream>/}). A stream's job starts when the stream is
 * first seen (at start for registered streams, on registration for new ones) and restores from its newest checkpoint.
 * Thread-safe.
 */
public final class AggregationJobs implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(AggregationJobs.class);
    private static final int SLOTS = 32;
    private static final int MANAGED_MEMORY_PER_SLOT_MB = 16;

    private final ProcessingConfig config;
    private final Path flinkDir;
    private final AggregationSettings settings;
    private final FlinkCluster cluster;
    private final Map<String, Double> completedCheckpointsSeen = new ConcurrentHashMap<>();
    private final Map<String, JobID> jobs = new ConcurrentHashMap<>();
    // null when flink.checkpoint.rpo is not set: the configured interval applies
    private final CheckpointPlan checkpointPlan;
    private final long rocksDbPerSlot;
    private final Map<String, String> restoredFrom = new TreeMap<>();

    /** A MiniCluster (or {@code flink.jobmanager}'s cluster) with the node's Flink settings; jobs start with {@link #ensure}. */
    public AggregationJobs(ProcessingConfig config, AggregationSettings settings) throws Exception {
        this.config = config;
        this.flinkDir = config.flinkDir();
        this.settings = settings;
        Files.createDirectories(flinkDir.resolve("tmp"));
        this.checkpointPlan = planCheckpoints(config, flinkDir.resolve("checkpoints"));
        if (config.rocksDbPerSlotBytes() < 0) {
            long physical = SlotMemory.physicalBytes();
            this.rocksDbPerSlot = SlotMemory.rocksDbPerSlot(physical, Runtime.getRuntime().maxMemory(), SLOTS);
            LOG.info("RocksDB state gets {} MiB off-heap per job slot (flink.rocksdb.memory-per-slot=auto: a quarter of the {} MiB the {} "
                    + "MiB heap"
                    + " leaves on this host, over {} slots)", rocksDbPerSlot >> 20, (physical - Runtime.getRuntime().maxMemory()) >> 20,
                    Runtime.getRuntime().maxMemory() >> 20, SLOTS);
        } else {
            this.rocksDbPerSlot = config.rocksDbPerSlotBytes();
        }
        String clusterDefault = config.stateBackend().equals(StateBackendRule.AUTO) ? StateBackendRule.ROCKSDB
                : config.stateBackend();
        Configuration conf = baseConfiguration(flinkDir.resolve("checkpoints"), clusterDefault);
        conf.setString("taskmanager.numberOfTaskSlots", String.valueOf(SLOTS));
        // operators of SQL jobs (window aggregates, joins) buffer in managed memory; the MiniCluster's default of 128 MiB
        // over 32 slots left them 2 MiB, under the minimum a window buffer takes. Reserved, allocated only when used;
        // RocksDB has its own fixed budget per slot (flink.rocksdb.memory-per-slot)
        conf.setString("taskmanager.memory.managed.size", (SLOTS * MANAGED_MEMORY_PER_SLOT_MB) + "mb");
        conf.setString("rest.port", "0");
        conf.setString("rest.bind-address", "127.0.0.1");
        conf.setString("io.tmp.dirs", flinkDir.resolve("tmp").toString());
        FlinkMetricsBridge.configure(conf);
        if (config.debloatTarget() != null) {
            // Flink resizes network buffers every 200 ms to hold about this long of each channel's throughput: when a
            // downstream slows, the data queued in front of it shrinks with it instead of staying at full buffers
            conf.setString("taskmanager.network.memory.buffer-debloat.enabled", "true");
            conf.setString("taskmanager.network.memory.buffer-debloat.target", config.debloatTarget().toMillis()
                    + " ms");
        }
        String external = config.jobManager();
        this.cluster = external.isEmpty() ? FlinkCluster.embedded(conf, SLOTS) : FlinkCluster.external(external);
        LOG.info("Flink jobs run on the {} cluster", cluster.describe());
    }

    /** The cluster the jobs run on. */
    FlinkCluster cluster() {
        return cluster;
    }

    /** The Flink settings of a job whose checkpoints go to {@code checkpoints}, on {@code stateBackend}. */
    Configuration jobConfiguration(Path checkpoints, String stateBackend) {
        return baseConfiguration(checkpoints, stateBackend);
    }

    private Configuration baseConfiguration(Path checkpoints, String stateBackend) {
        Configuration conf = new Configuration();
        conf.setString("state.backend.type", stateBackend);
        conf.setString("state.backend.rocksdb.localdir", flinkDir.resolve("rocksdb").toString());
        // a fixed RocksDB budget per slot: the MiniCluster's managed memory split over many slots would leave each job's
        // RocksDB a few MiB, and it would flush its memtables constantly
        conf.setString("state.backend.rocksdb.memory.fixed-per-slot", (rocksDbPerSlot >> 20) + "mb");
        // window timers (one per key and window) on the heap: in RocksDB each would be another get and put per key
        conf.setString("state.backend.rocksdb.timer-service.factory", config.rocksDbTimers().toUpperCase(Locale.ROOT));
        if (checkpointPlan == null) {
            conf.setString("execution.checkpointing.interval", config.checkpointInterval().toMillis() + " ms");
        } else {
            conf.setString("execution.checkpointing.interval", checkpointPlan.interval().toMillis() + " ms");
            conf.setString("execution.checkpointing.min-pause", checkpointPlan.minPause().toMillis() + " ms");
        }
        if (config.unalignedCheckpoints()) {
            // aligned while barriers line up quickly; under backpressure a barrier would wait behind the buffered data,
            // so after 1 s the checkpoint goes unaligned (it stores the in-flight buffers) and still completes
            conf.setString("execution.checkpointing.unaligned.enabled", "true");
            conf.setString("execution.checkpointing.aligned-checkpoint-timeout", "1 s");
        }
        conf.setString("execution.checkpointing.dir", checkpoints.toUri().toString());
        conf.setString("execution.checkpointing.incremental", "true");
        conf.setString("execution.checkpointing.num-retained", "2");
        conf.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "1000");
        conf.setString("restart-strategy.fixed-delay.delay", "2 s");
        conf.setString("parallelism.default", String.valueOf(config.parallelism()));
        return conf;
    }

    /** The checkpoint plan for {@code flink.checkpoint.rpo}, logged once; null when no RPO is set. */
    private static CheckpointPlan planCheckpoints(ProcessingConfig config, Path checkpointDir) {
        if (config.checkpointRpo() == null) {
            return null;
        }
        Duration rpo = config.checkpointRpo();
        long stateBytes = config.checkpointStateBytes();
        long bandwidth = config.checkpointWriteBandwidth() < 0 ? WriteBandwidth.of(checkpointDir) : config.checkpointWriteBandwidth();
        CheckpointPlan plan = CheckpointPlan.forRpo(rpo, stateBytes, bandwidth);
        String line = "checkpoints of the aggregation jobs: " + plan.describe(rpo, stateBytes, bandwidth);
        if (plan.meetsRpo()) {
            LOG.info(line);
        } else {
            LOG.warn(line);
        }
        return plan;
    }

    /** Where a stream's job records the state backend its checkpoints were written with. */
    static final String BACKEND_FILE = "state-backend";

    /**
     * The state backend of {@code job}'s run. A job that has checkpoints keeps the backend they were written with:
     * Flink's native checkpoints do not restore into another backend (a canonical savepoint does, so starting from one
     * chooses afresh). Otherwise {@code flink.state.backend}, or for {@code auto} {@link StateBackendRule}'s choice by
     * the state expected: the larger of {@code flink.checkpoint.state-size} (declared) and the size of what the job
     * restores from (observed). When a kept heap backend has outgrown the rule, a warning says how to move. The
     * choice is written next to the checkpoints and logged.
     *
     * @param restore the savepoint or checkpoint the run restores from, if any
     */
    String stateBackendOf(String job, Path checkpoints, boolean fresh, Optional<Path> restore) throws IOException {
        long declared = config.checkpointStateBytes();
        long observed = restore.isPresent() ? FlinkRuntime.sizeOf(restore.get()) : 0;
        long expected = expectedStateBytes(declared, observed);
        long heapPerSlot = Runtime.getRuntime().maxMemory() / SLOTS;
        String configured = config.stateBackend();
        String chosen = StateBackendRule.choose(configured, expected, heapPerSlot);
        String kept = keptBackend(checkpoints, chosen, fresh);
        String sizes = "declared " + (declared >> 20) + " MiB, observed " + (observed >> 20) + " MiB in " + restore.map(Path::toString)
                .orElse("nothing yet");
        if (!kept.equals(chosen)) {
            LOG.warn("{} keeps state backend {} (its checkpoints were written with it) instead of {} ({}; {}); to switch, take a savepoint"
                    + " ('platform job savepoint ...') and start from it", job, kept, chosen, StateBackendRule.reason(configured,
                    expected, heapPerSlot), sizes);
        } else {
            LOG.info("{} runs on state backend {} ({}; {})", job, kept, StateBackendRule.reason(configured, expected, heapPerSlot), sizes);
        }
        return kept;
    }

    /**
     * The state a job is expected to hold: what it declares, or what it was seen to hold (the size of the savepoint or
     * checkpoint it restores from) when that is more; a job's state grows with its keys, and a declaration made for
     * yesterday's keys should not keep a grown job on the heap.
     */
    static long expectedStateBytes(long declared, long observed) {
        return Math.max(declared, observed);
    }

    /**
     * The backend recorded in {@code checkpoints}, unless {@code fresh} (no checkpoint to restore, or a savepoint): then
     * {@code chosen}, which is recorded for the next start.
     */
    static String keptBackend(Path checkpoints, String chosen, boolean fresh) throws IOException {
        Path recorded = checkpoints.resolve(BACKEND_FILE);
        if (!fresh && Files.exists(recorded)) {
            return Files.readString(recorded).trim();
        }
        Files.writeString(recorded, chosen);
        return chosen;
    }

    /** The checkpoint plan in force, or null when the interval is configured directly. */
    public CheckpointPlan checkpointPlan() {
        return checkpointPlan;
    }

    /** Starts the job of {@code stream} unless it runs already, restoring from its newest checkpoint. */
    public synchronized void ensure(String stream) {
        try {
            start(stream, null);
        } catch (Exception e) {
            if (interrupted(e)) {
                // the node is stopping while the job was being submitted: nothing is wrong, the next start resumes it
                LOG.info("aggregation of stream={} not started: the node is stopping", stream);
                return;
            }
            LOG.error("cannot start the aggregation of stream={}: {}; its raw events are still stored and queryable", stream,
                    e.toString(), e);
        }
    }

    private static boolean interrupted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException) {
                return true;
            }
        }
        return Thread.currentThread().isInterrupted();
    }

    /**
     * Starts the job of {@code stream} from {@code savepoint} (a path written by {@link #savepoint}), or from its newest
     * checkpoint when null; a no-op when it runs already.
     *
     * @return the path restored from, or null for a fresh start
     */
    synchronized String start(String stream, String savepoint) throws Exception {
        if (jobs.containsKey(stream)) {
            return restoredFrom.get(stream);
        }
        Path checkpoints = flinkDir.resolve("checkpoints").resolve(stream);
        Files.createDirectories(checkpoints);
        Optional<Path> latest = savepoint != null ? Optional.of(Path.of(savepoint)) : FlinkRuntime.latestCheckpoint(checkpoints);
        // native checkpoints restore only into the backend that wrote them; a savepoint or a fresh start may choose
        String backend = stateBackendOf("stream=" + stream, checkpoints, savepoint != null || latest.isEmpty(), latest);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(baseConfiguration(checkpoints, backend));
        AggregationJob.define(env, settings, stream);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(jobName(stream));
        if (savepoint != null && !Files.exists(latest.get().resolve("_metadata"))) {
            throw new IllegalArgumentException("no savepoint at " + savepoint + " (no _metadata file): give a path printed by 'platform "
                    + "job savepoint'");
        }
        if (latest.isPresent()) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(latest.get().toUri().toString(), true));
            restoredFrom.put(stream, latest.get().toString());
        } else {
            restoredFrom.remove(stream);
        }
        JobID id = cluster.submit(graph);
        jobs.put(stream, id);
        AuditLog.record("job.start", stream, "job=" + id + " restoredFrom=" + latest.map(Path::toString).orElse("none"));
        return latest.map(Path::toString).orElse(null);
    }

    /** Takes a savepoint of {@code stream}'s job under {@code flink/savepoints/<stream>}; returns its path. */
    String savepoint(String stream) throws Exception {
        JobID id = jobOf(stream);
        Path target = Files.createDirectories(flinkDir.resolve("savepoints").resolve(stream));
        String location = cluster.savepoint(id, target.toUri());
        String path = Path.of(URI.create(location)).toString();
        AuditLog.record("job.savepoint", stream, "job=" + id + " savepoint=" + path);
        return path;
    }

    /** Cancels {@code stream}'s job; its checkpoints are kept, so {@link #start} resumes where it stopped. */
    synchronized void cancel(String stream) throws Exception {
        JobID id = jobOf(stream);
        cluster.cancel(id);
        jobs.remove(stream);
        AuditLog.record("job.cancel", stream, "job=" + id);
    }

    private JobID jobOf(String stream) {
        JobID id = jobs.get(stream);
        if (id == null) {
            throw new IllegalArgumentException("no running aggregation job for stream '" + stream + "': see 'platform job list'");
        }
        return id;
    }

    /**
     * The end-to-end duration of the checkpoints completed since the previous call, the longest over every job, in
     * ms; 0 when none completed. Read once a second by the dashboard sampler, whose history the diagnosis correlates
     * with latency spikes; from Flink's own checkpoint gauges (via {@link FlinkMetricsBridge}), which cost a field
     * read. (Asking the MiniCluster for each job's execution graph instead cost ~50 ms of CPU per second.)
     */
    long checkpointMsSinceLastCall() {
        long longest = 0;
        for (String stream : jobs.keySet()) {
            String job = jobName(stream);
            double completed = FlinkMetricsBridge.value(job, "numberOfCompletedCheckpoints");
            Double previous = completedCheckpointsSeen.put(stream, completed);
            if (previous != null && completed > previous) {
                longest = Math.max(longest, (long) FlinkMetricsBridge.value(job, "lastCheckpointDuration"));
            }
        }
        return longest;
    }

    /**
     * {@code stream}'s job profile as JSON: per task busy, back-pressured and idle ms per second, records per second in
     * and out, busy microseconds per record, RocksDB state bytes and keys, the bottleneck task by {@link JobProfile}'s
     * rule, and the last checkpoint's duration and size.
     */
    String profile(String stream) throws Exception {
        return profileOf(cluster.profile(jobOf(stream), jobName(stream)), "stream", stream);
    }

    /** A job's profile as JSON (a stream's aggregation or a submitted job), labelled {@code "<labelKey>": label}. */
    static String profileOf(JobProfile.Figures figures, String labelKey, String label) {
        List<JobProfile.Task> tasks = figures.tasks();
        JobProfile.Task bottleneck = JobProfile.bottleneck(tasks);
        ObjectNode profile = JSON.createObjectNode().put(labelKey, label);
        ArrayNode taskArray = profile.putArray("tasks");
        for (JobProfile.Task t : tasks) {
            ObjectNode task = taskArray.addObject().put("task", t.name())
                    .put("busyMsPerSecond", Math.round(t.busyMsPerSecond()))
                    .put("backPressuredMsPerSecond", Math.round(t.backPressuredMsPerSecond()))
                    .put("idleMsPerSecond", Math.round(t.idleMsPerSecond()))
                    .put("recordsInPerSecond", Math.round(t.recordsInPerSecond() * 10) / 10.0)
                    .put("recordsOutPerSecond", Math.round(t.recordsOutPerSecond() * 10) / 10.0);
            if (Double.isNaN(t.busyMicrosPerRecord())) {
                task.putNull("busyMicrosPerRecord");
            } else {
                task.put("busyMicrosPerRecord", Math.round(t.busyMicrosPerRecord() * 100) / 100.0);
            }
            task.put("stateBytes", t.stateBytes()).put("stateKeys", t.stateKeys());
        }
        profile.put("bottleneck", bottleneck == null ? null : bottleneck.name())
                .put("lastCheckpointMs", figures.lastCheckpointMs())
                .put("lastCheckpointBytes", figures.lastCheckpointBytes())
                .put("completedCheckpoints", figures.completedCheckpoints());
        return profile.toString();
    }

    /** The Flink job name of {@code stream}'s aggregation job. */
    public static String jobName(String stream) {
        return AggregationJob.JOB_NAME + "-" + stream;
    }

    /** The checkpoint each stream's job restored from at start, by stream. */
    synchronized Map<String, String> restoredFrom() {
        return new TreeMap<>(restoredFrom);
    }

    int running() {
        return jobs.size();
    }

    /** Every stream's job: id, Flink status, and the checkpoint it restored from, as JSON lines. */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, JobID> job : new TreeMap<>(jobs).entrySet()) {
            String status;
            try {
                status = cluster.status(job.getValue());
            } catch (Exception e) {
                status = "UNKNOWN (" + e.getMessage() + ")";
            }
            String restored;
            synchronized (this) {
                restored = restoredFrom.get(job.getKey());
            }
            out.append(JSON.createObjectNode().put("stream", job.getKey()).put("kind", "aggregation")
                    .put("job", job.getValue().toString()).put("name", jobName(job.getKey())).put("status", status)
                    .put("restoredFrom", restored == null ? null : restored.replace("\\", "/"))).append('\n');
        }
        return out.toString();
    }

    @Override
    public synchronized void close() throws Exception {
        for (JobID id : jobs.values()) {
            try {
                cluster.cancel(id);
            } catch (Exception e) {
                LOG.warn("cancel of job {} failed: {}", id, e.toString());
            }
        }
        jobs.clear();
        cluster.close();
        AggregationJob.releaseSharedResources();
    }

}
