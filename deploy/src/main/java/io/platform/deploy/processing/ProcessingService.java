package io.platform.deploy.processing;

import io.platform.deploy.kafka.KafkaService;
import io.platform.deploy.service.HttpRoute;
import io.platform.deploy.service.Service;
import io.platform.deploy.service.StartedResources;
import io.platform.query.exec.QueryEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Stream processing on Flink (the node's MiniCluster, or {@code flink.jobmanager}): one aggregation job per stream,
 * started as streams appear in the catalog, and the jobs users submit (SQL, jars, materialized views), restored at
 * start. Serves {@code /v1/jobs} on the query listener. Built from its {@link ProcessingConfig}.
 * Thread-safe after {@link #start()}.
 */
public final class ProcessingService implements Service {
    private static final long FIRST_JOBS_TIMEOUT_S = 120;
    private static final long KEPT_JOBS_TIMEOUT_S = 300;

    private final ProcessingConfig config;
    private final KafkaService kafka;
    private final StartedResources started = new StartedResources("processing");
    private AggregationJobs aggregationJobs;
    private SubmittedJobs submittedJobs;

    public ProcessingService(ProcessingConfig config, KafkaService kafka) {
        this.config = config;
        this.kafka = kafka;
    }

    @Override
    public String name() {
        return "processing";
    }

    @Override
    public void start() throws Exception {
        aggregationJobs = started.add(new AggregationJobs(config, config.aggregation(kafka.bootstrapServers())));
        // job submission takes a second: off the registering request's thread and the catalog reader's
        ExecutorService jobStarter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "aggregation-job-starter");
            t.setDaemon(true);
            return t;
        });
        started.add(jobStarter::shutdownNow);
        // the catalog calls back on its reader thread for streams that appear later, and never forgets the listener
        List<Future<?>> initial = new CopyOnWriteArrayList<>();
        kafka.catalog().onNewStream(stream -> {
            if (!jobStarter.isShutdown()) {
                initial.add(jobStarter.submit(() -> aggregationJobs.ensure(stream)));
            }
        });
        for (Future<?> first : initial) {
            first.get(FIRST_JOBS_TIMEOUT_S, TimeUnit.SECONDS);
        }
        SubmittedJobs submitted = new SubmittedJobs(aggregationJobs, kafka.catalog(), config, config.flinkDir(),
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
