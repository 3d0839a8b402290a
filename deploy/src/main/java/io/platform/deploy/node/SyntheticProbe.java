package io.platform.deploy.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.platform.ingest.gateway.IngestOutcome;
import io.platform.ingest.gateway.IngestPipeline;
import io.platform.ingest.schema.IncompatibleSchemaException;
import io.platform.ingest.schema.SchemaRegistry;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.tracing.Tracing;
import io.platform.query.exec.QueryEngine;
import io.platform.wire.EpochClock;
import io.platform.wire.schema.StreamSchema;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A synthetic transaction: every interval it sends one marked event through the real path (gateway pipeline, Kafka,
 * storage) into the {@value #STREAM} stream and queries it back by its id, recording the send-to-visible time as
 * {@code platform_probe_latency_ms} and counting runs by outcome. A probe that is not visible within the timeout is
 * logged as a warning: the pipeline is down or stuck even if no user is sending. Thread-safe.
 */
final class SyntheticProbe implements AutoCloseable {
    static final String STREAM = "platform_probe";
    private static final Logger LOG = LoggerFactory.getLogger(SyntheticProbe.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = """
            {"type":"record","name":"Probe","namespace":"io.platform.probe","fields":[
              {"name":"probe_id","type":"string"},{"name":"ts","type":"long"}]}""";

    private final IngestPipeline pipeline;
    private final QueryEngine queryEngine;
    private final Duration timeout;
    private final StreamSchema schema;
    private final ScheduledExecutorService timer;
    private final AtomicLong lastLatencyMs = new AtomicLong(-1);
    private final Counter ok;
    private final Counter timedOut;
    private final Counter failed;

    SyntheticProbe(SchemaRegistry registry, IngestPipeline pipeline, QueryEngine queryEngine, Duration interval, Duration timeout)
            throws IncompatibleSchemaException {
        this.pipeline = pipeline;
        this.queryEngine = queryEngine;
        this.timeout = timeout;
        this.schema = registry.register(STREAM, SCHEMA, "ts", List.of("probe_id"));
        LatencyMetrics metrics = LatencyMetrics.global();
        this.ok = metrics.registry().counter("platform.probe.runs", "outcome", "ok");
        this.timedOut = metrics.registry().counter("platform.probe.runs", "outcome", "timeout");
        this.failed = metrics.registry().counter("platform.probe.runs", "outcome", "failed");
        Gauge.builder("platform.probe.latency.ms", lastLatencyMs, AtomicLong::get)
                .description("send-to-queryable time of the last synthetic probe; -1 before the first").register(metrics.registry());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "synthetic-probe");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs one probe; returns its latency in ms, or -1 when it failed or timed out. */
    long runOnce() {
        String id = UUID.randomUUID().toString();
        long start = System.nanoTime();
        // one trace per probe (when sampled): the event carries it through Kafka, Flink and storage, and the query
        // that finds the event runs under it, so the whole path of one event shows in one trace
        Span span = Tracing.global().tracer().spanBuilder("probe").setAttribute(Tracing.STREAM, STREAM).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            byte[] event = JSON.writeValueAsBytes(java.util.Map.of("probe_id", id, "ts", System.currentTimeMillis()));
            IngestOutcome outcome = pipeline.ingestJson(schema, JSON.readTree(event), event, EpochClock.nowNs(), Tracing.traceparent(span))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (outcome.status() != IngestOutcome.Status.ACCEPTED) {
                failed.increment();
                LOG.warn("synthetic probe refused by the gateway reason={}", outcome.reason());
                span.setStatus(StatusCode.ERROR, outcome.reason());
                return -1;
            }
            long deadline = start + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if ((Long) queryEngine.firstRow("SELECT count(*) FROM " + STREAM + " WHERE probe_id = '" + id + "'")[0] > 0) {
                    long nanos = System.nanoTime() - start;
                    lastLatencyMs.set(TimeUnit.NANOSECONDS.toMillis(nanos));
                    ok.increment();
                    return lastLatencyMs.get();
                }
                Thread.sleep(5);
            }
            timedOut.increment();
            LOG.warn("synthetic probe id={} not queryable after {} ms: check Kafka, the storage writer and /metrics", id, timeout.toMillis());
            span.setStatus(StatusCode.ERROR, "not queryable in time");
        } catch (Exception e) {
            failed.increment();
            span.setStatus(StatusCode.ERROR, e.toString());
            LOG.warn("synthetic probe failed: {}", e.toString());
        } finally {
            span.end();
        }
        return -1;
    }

    long lastLatencyMs() {
        return lastLatencyMs.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

}
