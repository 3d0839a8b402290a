package io.platform.deploy.processing;

import io.platform.deploy.kafka.KafkaService;
import io.platform.deploy.node.NodeConfig;
import io.platform.deploy.service.HttpRoute;
import io.platform.deploy.service.Service;
import io.platform.deploy.service.StartedResources;
import io.platform.query.exec.QueryEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Stream processing on Flink (the node's MiniCluster, or {@code flink.jobmanager}): one aggregation job per stream,
 * started as streams appear in the catalog, and the jobs users submit (SQL, jars, materialized views), restored at
 * start. Serves {@code /v1/jobs} on the query listener. Reads its settings from the node config: the checkpoint
 * planning of {@link AggregationJobs} reads the {@code flink.*} and {@code aggregation.*} keys itself.
 * Thread-safe after {@link #start()}.
 */
public final class ProcessingService implements Service {
    private static final long FIRST_JOBS_TIMEOUT_S = 120;
    private static final long KEPT_JOBS_TIMEOUT_S = 300;

    private final NodeConfig config;
    private final KafkaService kafka;
    private final StartedResources started = new StartedResources("processing");
    private AggregationJobs aggregationJobs;
    private SubmittedJobs submittedJobs;

    public ProcessingService(NodeConfig config, KafkaService kafka) {
        this.config = config;
        this.kafka = kafka;
    }

    @Override
    public String name() {
        return "processing";
    }

    @Override
    public void start() throws Exception {
        aggregationJobs = started.add(new AggregationJobs(config, config.dataDir().resolve("flink"),
                AggregationJobs.settings(config, kafka.bootstrapServers())));
        // job submission takes a second: off the registering request's thread and the catalog reader's
        ExecutorService jobStarter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "aggregation-job-starter");
            t.setDaemon(true);
            return t;
        });
        started.add(jobStarter::shutdownNow);
        List<Future<?>> initial = new ArrayList<>();
        kafka.catalog().onNewStream(stream -> initial.add(jobStarter.submit(() -> aggregationJobs.ensure(stream))));
        for (Future<?> first : new ArrayList<>(initial)) {
            first.get(FIRST_JOBS_TIMEOUT_S, TimeUnit.SECONDS);
        }
        SubmittedJobs submitted = new SubmittedJobs(aggregationJobs, kafka.catalog(), config, config.dataDir().resolve("flink"),
                kafka.bootstrapServers());
        started.add(submitted::stopAll);
        submittedJobs = submitted;
        jobStarter.submit(submittedJobs::startKept).get(KEPT_JOBS_TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** The longest checkpoint completed since the previous call, in ms (the dashboard asks once a second). */
    public long checkpointMsSinceLastCall() {
        return aggregationJobs == null ? 0 : aggregationJobs.checkpointMsSinceLastCall();
    }

    /** The checkpoint each stream's aggregation job restored from at start, by stream. */
    public Map<String, String> restoredCheckpoints() {
        return aggregationJobs == null ? Map.of() : aggregationJobs.restoredFrom();
    }

    /** Materialized views kept by submitted SQL jobs, for the query service's CREATE/DROP statements. */
    public MaterializedViews views(QueryEngine queryEngine) {
        return new MaterializedViews(submittedJobs, kafka.registry(), kafka.catalog(), kafka.bootstrapServers(), config, queryEngine);
    }

    @Override
    public List<HttpRoute> routes() {
        return List.of(new HttpRoute("/v1/jobs", HttpRoute.Listener.QUERY, new JobRoutes(aggregationJobs, submittedJobs)));
    }

    @Override
    public void close() {
        started.closeAll();
    }
}
