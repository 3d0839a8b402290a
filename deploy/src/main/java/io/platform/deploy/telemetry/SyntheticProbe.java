package io.platform.deploy.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.platform.ingest.gateway.IngestOutcome;
import io.platform.ingest.gateway.IngestPipeline;
import io.platform.ingest.schema.IncompatibleSchemaException;
import io.micrometer.core.instrument.MeterRegistry;
import io.platform.deploy.gateway.GatewayService;
import io.platform.deploy.kafka.KafkaService;
import io.platform.deploy.query.QueryService;
import io.platform.deploy.service.Service;
import io.platform.observability.tracing.Tracing;
import io.platform.query.exec.QueryEngine;
import io.platform.wire.EpochClock;
import io.platform.wire.schema.StreamSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
public final class SyntheticProbe implements Service {
    static final String STREAM = "platform_probe";
    private static final Logger LOG = LoggerFactory.getLogger(SyntheticProbe.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = """
            {"type":"record","name":"Probe","namespace":"io.platform.probe","fields":[
              {"name":"probe_id","type":"string"},{"name":"ts","type":"long"}]}""";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final KafkaService kafka;
    private final GatewayService gateway;
    private final QueryService query;
    private final Duration interval;
    private final MeterRegistry registry;
    private final AtomicLong lastLatencyMs = new AtomicLong(-1);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "synthetic-probe");
        t.setDaemon(true);
        return t;
    });
    private IngestPipeline pipeline;
    private QueryEngine queryEngine;
    private StreamSchema schema;
    private Counter ok;
    private Counter timedOut;
    private Counter failed;
    private Gauge latencyGauge;

    /** A probe every {@code interval} through {@code gateway}'s pipeline, read back through {@code query}'s engine. */
    public SyntheticProbe(KafkaService kafka, GatewayService gateway, QueryService query, Duration interval, MeterRegistry registry) {
        this.kafka = kafka;
        this.gateway = gateway;
        this.query = query;
        this.interval = interval;
        this.registry = registry;
    }

    @Override
    public String name() {
        return "probe";
    }

    @Override
    public void start() throws IncompatibleSchemaException {
        this.pipeline = gateway.pipeline();
        this.queryEngine = query.engine();
        this.schema = kafka.registry().register(STREAM, SCHEMA, "ts", List.of("probe_id"));
        this.ok = registry.counter("platform.probe.runs", "outcome", "ok");
        this.timedOut = registry.counter("platform.probe.runs", "outcome", "timeout");
        this.failed = registry.counter("platform.probe.runs", "outcome", "failed");
        latencyGauge = Gauge.builder("platform.probe.latency.ms", lastLatencyMs, AtomicLong::get)
                .description("send-to-queryable time of the last synthetic probe; -1 before the first").register(registry);
        timer.scheduleWithFixedDelay(this::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs one probe now; returns its latency in ms, or -1 when it failed or timed out. */
    public long runOnce() {
        String id = UUID.randomUUID().toString();
        long start = System.nanoTime();
        // one trace per probe (when sampled): the event carries it through Kafka, Flink and storage, and the query
        // that finds the event runs under it, so the whole path of one event shows in one trace
        Span span = Tracing.global().tracer().spanBuilder("probe").setAttribute(Tracing.STREAM, STREAM).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            byte[] event = JSON.writeValueAsBytes(Map.of("probe_id", id, "ts", System.currentTimeMillis()));
            IngestOutcome outcome = pipeline.ingestJson(schema, JSON.readTree(event), event, EpochClock.nowNs(), Tracing.traceparent(span))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (outcome.status() != IngestOutcome.Status.ACCEPTED) {
                failed.increment();
                LOG.warn("synthetic probe refused by the gateway reason={}", outcome.reason());
                span.setStatus(StatusCode.ERROR, outcome.reason());
                return -1;
            }
            long deadline = start + TIMEOUT.toNanos();
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
            LOG.warn("synthetic probe id={} not queryable after {} ms: check Kafka, the storage writer and /metrics", id,
                    TIMEOUT.toMillis());
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

    /** The latency of the last probe that succeeded, in ms; -1 before the first. */
    public long lastLatencyMs() {
        return lastLatencyMs.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (latencyGauge != null) {
            // a probe of a node restarted in this process registers its own
            registry.remove(latencyGauge);
        }
    }

}
