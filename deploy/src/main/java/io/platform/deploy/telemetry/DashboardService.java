package io.platform.deploy.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.platform.deploy.gateway.GatewayService;
import io.platform.deploy.processing.ProcessingService;
import io.platform.deploy.service.HttpRoute;
import io.platform.deploy.service.Service;
import io.platform.deploy.storage.StorageService;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.dashboard.DashboardRoutes;
import io.platform.observability.dashboard.StatsSampler;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-second sampler behind {@code /dashboard}, {@code /v1/stats} and {@code /v1/diagnose} on every listener:
 * stage latencies, in-flight events, storage lag and stalls, checkpoints, GC, retransmits, UDP drops, dead letters
 * and the probe. Services absent on this node's role (storage, processing, probe) read as 0 or -1.
 */
public final class DashboardService implements Service {
    /** The dashboard's SLO burn line: end to end under 50 ms for 99.9% of events. */
    private static final double SLO_LATENCY_MS = 50;
    private static final double SLO_OBJECTIVE = 0.999;

    private final GatewayService gateway;
    private final StorageService storage;
    private final ProcessingService processing;
    private final SyntheticProbe probe;
    private final LatencyMetrics metrics;
    private final MeterRegistry registry;
    private StatsSampler sampler;

    /** {@code storage}, {@code processing} and {@code probe} are null where the node's role runs none. */
    public DashboardService(GatewayService gateway, StorageService storage, ProcessingService processing, SyntheticProbe probe,
                            LatencyMetrics metrics) {
        this.gateway = gateway;
        this.storage = storage;
        this.processing = processing;
        this.probe = probe;
        this.metrics = metrics;
        this.registry = metrics.registry();
    }

    @Override
    public String name() {
        return "dashboard";
    }

    @Override
    public void start() {
        Search deadLetters = registry.find("platform.dlq.events");
        sampler = new StatsSampler(SLO_LATENCY_MS, SLO_OBJECTIVE, metrics)
                .gauge("in_flight_events", gateway::inFlightEvents)
                .gauge("storage_lag", () -> storage == null ? 0 : storage.lagRecords())
                .gauge("probe_ms", () -> probe == null ? -1 : probe.lastLatencyMs())
                .gauge("gc_pause_ms", HostCounters.growthOf(-1, HostCounters::gcTimeMs))
                .gauge("tcp_retransmits", HostCounters.growthOf(-1, () -> HostCounters.snmpTotal("Tcp", "RetransSegs")))
                .gauge("udp_drops", HostCounters.growthOf(-1, () -> HostCounters.snmpTotal("Udp", "InErrors", "RcvbufErrors")))
                .gauge("storage_stall_ms", HostCounters.growthOf(-1, () -> storage == null ? -1 : storage.stallMs()))
                .gauge("checkpoint_ms", () -> processing == null ? 0 : processing.checkpointMsSinceLastCall())
                .gauge("dead_letters_per_s", HostCounters.growthOf(0, () -> (long) deadLetters.counters().stream()
                        .mapToDouble(Counter::count).sum()))
                .start();
    }

    @Override
    public List<HttpRoute> routes() {
        List<HttpRoute> routes = new ArrayList<>();
        DashboardRoutes.install((path, handler) -> routes.add(new HttpRoute(path, HttpRoute.Listener.EVERY, handler)), sampler);
        return routes;
    }

    @Override
    public void close() {
        if (sampler != null) {
            sampler.close();
        }
    }
}
