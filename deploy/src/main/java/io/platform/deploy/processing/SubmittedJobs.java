package io.platform.deploy.processing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.platform.observability.logging.AuditLog;
import io.platform.processing.jobs.JarJobs;
import io.platform.processing.jobs.JobContext;
import io.platform.processing.jobs.SqlJob;
import io.platform.wire.schema.SchemaCatalog;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs users submit (Flink SQL, or a jar of {@link io.platform.processing.jobs.PlatformJob} code), run on the same
 * cluster as the aggregation jobs. A job is kept under {@code flink/jobs/<name>/} (its definition, its jar, its
 * checkpoints), so the node starts it again after a restart from its newest checkpoint; cancelling forgets it (its
 * savepoints under {@code flink/savepoints/job-<name>/} stay, to submit it again from one). A definition is checked
 * and planned before it is kept, so a mistake is the submitter's error, not a log line. Thread-safe.
 */
public final class SubmittedJobs {
    private static final Logger LOG = LoggerFactory.getLogger(SubmittedJobs.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    static final String JOB_NAME_PREFIX = "platform-job-";

    private final AggregationJobs flink;
    private final SchemaCatalog catalog;
    private final ProcessingConfig config;
    private final String bootstrapServers;
    private final Path jobsDir;
    private final Path savepointsDir;
    private final Map<String, JobID> running = new TreeMap<>();
    private final Map<String, String> restoredFrom = new TreeMap<>();

    SubmittedJobs(AggregationJobs flink, SchemaCatalog catalog, ProcessingConfig config, Path flinkDir,
            String bootstrapServers) throws IOException {
        this.flink = flink;
        this.catalog = catalog;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.jobsDir = Files.createDirectories(flinkDir.resolve("jobs"));
        this.savepointsDir = flinkDir.resolve("savepoints");
    }

    /** What a submission carries: SQL text, or a jar (with its job class, or null for the manifest's). */
    record Definition(String sql, byte[] jar, String jobClass) {
        String kind() {
            return sql != null ? "sql" : "jar";
        }
    }

    /** Starts every kept job from its newest checkpoint; a job that cannot start is logged and stays kept. */
    synchronized void startKept() {
        try (Stream<Path> dirs = Files.list(jobsDir)) {
            for (Path dir : dirs.sorted().toList()) {
                String name = dir.getFileName().toString();
                if (!Files.exists(dir.resolve("job.json"))) {
                    continue;
                }
                try {
                    start(name, readDefinition(dir), null);
                } catch (Exception e) {
                    LOG.error("cannot start submitted job={} again: {}; cancel it ('platform job cancel {}') or fix the cause and "
                            + "restart", name, e.toString(), name, e);
                }
            }
        } catch (IOException e) {
            LOG.error("cannot list submitted jobs under {}: {}", jobsDir, e.toString());
        }
    }

    boolean has(String name) {
        return NAME.matcher(name).matches() && Files.exists(jobsDir.resolve(name).resolve("job.json"));
    }

    /**
     * Checks, keeps and starts a new job; from {@code savepoint} when given.
     *
     * @return the job's description as JSON
     * @throws IllegalArgumentException when the name is taken or malformed, or the definition is refused (with why)
     */
    synchronized String submit(String name, Definition definition, String savepoint) throws Exception {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("job name '" + name + "' must be 1-64 of a-z, 0-9, _ and -, starting with a letter");
        }
        if (has(name)) {
            throw new IllegalArgumentException("a job named '" + name + "' runs already: cancel it first ('platform job cancel " + name
                    + "') or pick another name");
        }
        if (catalog.streams().contains(name)) {
            throw new IllegalArgumentException("'" + name + "' names a stream (and its aggregation job): pick another job name");
        }
        Path dir = jobsDir.resolve(name);
        Path staging = jobsDir.resolve("." + name + ".new");
        deleteRecursively(staging);
        Files.createDirectories(staging);
        try {
            writeDefinition(staging, definition);
            // kept only once it started: a refused definition leaves nothing behind
            Files.move(staging, dir);
            start(name, readDefinition(dir), savepoint);
        } catch (Exception e) {
            deleteRecursively(staging);
            deleteRecursively(dir);
            throw e;
        }
        AuditLog.record("job.submit", name, "kind=" + definition.kind() + " job=" + running.get(name));
        return describe(name);
    }

    /** Takes a savepoint of job {@code name} under {@code flink/savepoints/job-<name>}; returns its path. */
    synchronized String savepoint(String name) throws Exception {
        JobID id = idOf(name);
        Path target = Files.createDirectories(savepointsDir.resolve("job-" + name));
        String path = Path.of(URI.create(flink.cluster().savepoint(id, target.toUri()))).toString();
        AuditLog.record("job.savepoint", name, "job=" + id + " savepoint=" + path);
        return path;
    }

    /** Cancels job {@code name} and forgets it, checkpoints included; its savepoints stay. */
    synchronized void cancel(String name) throws Exception {
        if (!has(name)) {
            throw new IllegalArgumentException("no submitted job named '" + name + "': see 'platform job list'");
        }
        JobID id = running.remove(name);
        if (id != null) {
            flink.cluster().cancel(id);
        }
        restoredFrom.remove(name);
        deleteRecursively(jobsDir.resolve(name));
        AuditLog.record("job.cancel", name, "job=" + id);
    }

    /** Every submitted job as JSON lines: name, kind, Flink id and status, cluster, checkpoint restored from. */
    synchronized String describeAll() {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> dirs = Files.list(jobsDir)) {
            for (Path dir : dirs.sorted().toList()) {
                if (Files.exists(dir.resolve("job.json"))) {
                    out.append(describe(dir.getFileName().toString())).append('\n');
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list submitted jobs: {}", e.toString());
        }
        return out.toString();
    }

    /** Job {@code name}'s profile, as {@link AggregationJobs#profile} gives a stream's aggregation. */
    String profile(String name) throws Exception {
        return AggregationJobs.profileOf(flink.cluster().profile(idOf(name), JOB_NAME_PREFIX + name), "job", name);
    }

    /** Status of the job's run on the cluster, or NOT_RUNNING when it is kept but did not start. */
    synchronized String status(String name) {
        JobID id = running.get(name);
        if (id == null) {
            return "NOT_RUNNING";
        }
        try {
            return flink.cluster().status(id);
        } catch (Exception e) {
            return "UNKNOWN (" + e.getMessage() + ")";
        }
    }

    private String describe(String name) {
        JobID id = running.get(name);
        String kind;
        try {
            kind = JSON.readTree(jobsDir.resolve(name).resolve("job.json").toFile()).get("kind").asText();
        } catch (IOException e) {
            kind = "unknown";
        }
        String restored = restoredFrom.get(name);
        return JSON.createObjectNode().put("job", name).put("kind", kind).put("id", id == null ? null : id.toString())
                .put("name", JOB_NAME_PREFIX + name).put("status", status(name)).put("cluster", flink.cluster().describe())
                .put("restoredFrom", restored == null ? null : restored.replace("\\", "/")).toString();
    }

    private JobID idOf(String name) {
        JobID id = running.get(name);
        if (id == null) {
            throw new IllegalArgumentException("no running submitted job named '" + name + "': see 'platform job list'");
        }
        return id;
    }

    /** Defines the job's graph from {@code definition} and submits it, restoring from {@code savepoint} or its newest checkpoint. */
    private void start(String name, Definition definition, String savepoint) throws Exception {
        Path dir = jobsDir.resolve(name);
        Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
        if (savepoint != null && !Files.exists(Path.of(savepoint).resolve("_metadata"))) {
            throw new IllegalArgumentException("no savepoint at " + savepoint + " (no _metadata file): give a path printed by 'platform "
                    + "job savepoint'");
        }
        Optional<Path> restore = savepoint != null ? Optional.of(Path.of(savepoint)) : FlinkRuntime.latestCheckpoint(checkpoints);
        String backend = flink.stateBackendOf("job=" + name, checkpoints, savepoint != null || restore.isEmpty(), restore);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink.jobConfiguration(checkpoints, backend));
        JobContext context = new JobContext(env, name, bootstrapServers, catalog, config.outOfOrderness(),
                config.idleness(), config.rateControl());
        StreamGraph graph;
        if (definition.sql() != null) {
            SqlJob.define(context, definition.sql());
            graph = env.getStreamGraph();
        } else {
            Path jar = dir.resolve("job.jar");
            JarJobs.Loaded loaded = JarJobs.load(jar, definition.jobClass());
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(loaded.classLoader());
            try {
                loaded.job().define(context);
                graph = env.getStreamGraph();
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
                loaded.classLoader().close();
            }
            if (graph.getStreamNodes().isEmpty()) {
                throw new IllegalArgumentException("job class " + loaded.job().getClass().getName() + " defined no operators: read a "
                        + "stream with"
                        + " context.stream(...) and write with context.toStream(...)");
            }
            // the cluster loads the job's classes from the jar (child-first), beside the platform's on its class path
            graph.addJar(new org.apache.flink.core.fs.Path(jar.toUri()));
        }
        graph.setJobName(JOB_NAME_PREFIX + name);
        restore.ifPresent(path -> graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(path.toUri().toString(), false)));
        JobID id = flink.cluster().submit(graph);
        running.put(name, id);
        restore.ifPresentOrElse(path -> restoredFrom.put(name, path.toString()), () -> restoredFrom.remove(name));
        LOG.info("submitted job={} kind={} runs as {} on the {} cluster, restored from {}", name, definition.kind(), id,
                flink.cluster().describe(), restore.map(Path::toString).orElse("nothing (fresh start)"));
    }

    private static void writeDefinition(Path dir, Definition definition) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("kind", definition.kind());
        if (definition.sql() != null) {
            json.put("sql", definition.sql());
        } else {
            Files.write(dir.resolve("job.jar"), definition.jar());
            if (definition.jobClass() != null) {
                json.put("class", definition.jobClass());
            }
        }
        json.put("submittedAt", Instant.now().toString());
        Path tmp = dir.resolve("job.json.tmp");
        Files.writeString(tmp, json.toString());
        Files.move(tmp, dir.resolve("job.json"), StandardCopyOption.ATOMIC_MOVE);
    }

    private static Definition readDefinition(Path dir) throws IOException {
        JsonNode json = JSON.readTree(dir.resolve("job.json").toFile());
        if (json.get("kind").asText().equals("sql")) {
            return new Definition(json.get("sql").asText(), null, null);
        }
        return new Definition(null, null, json.has("class") ? json.get("class").asText() : null);
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Cancels the running jobs (their definitions and checkpoints are kept for the next start). */
    synchronized void stopAll() {
        for (Map.Entry<String, JobID> job : running.entrySet()) {
            try {
                flink.cluster().cancel(job.getValue());
            } catch (Exception e) {
                LOG.warn("cancel of submitted job={} failed: {}", job.getKey(), e.toString());
            }
        }
        running.clear();
    }
}
