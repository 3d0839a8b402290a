package io.platform.deploy.node;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.ResourceLeakDetector;
import io.platform.deploy.gateway.GatewayConfig;
import io.platform.deploy.gateway.GatewayService;
import io.platform.deploy.kafka.KafkaConfig;
import io.platform.deploy.kafka.KafkaService;
import io.platform.deploy.processing.ProcessingConfig;
import io.platform.deploy.processing.ProcessingService;
import io.platform.deploy.query.QueryConfig;
import io.platform.deploy.query.QueryService;
import io.platform.deploy.security.SecurityConfig;
import io.platform.deploy.security.SecurityService;
import io.platform.deploy.service.HttpRoute;
import io.platform.deploy.service.Service;
import io.platform.deploy.service.ServiceGroup;
import io.platform.deploy.storage.StorageConfig;
import io.platform.deploy.storage.StorageService;
import io.platform.deploy.telemetry.DashboardService;
import io.platform.deploy.telemetry.SyntheticProbe;
import io.platform.deploy.telemetry.TelemetryConfig;
import io.platform.deploy.telemetry.TelemetryService;
import io.platform.ingest.schema.SchemaRegistry;
import io.platform.network.aeron.AeronTransport;
import io.platform.observability.LatencyMetrics;
import io.platform.query.exec.QueryEngine;
import io.platform.wire.schema.SchemaCatalog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node: the list of services its {@code node.role} runs over one data directory, started in order and closed in
 * reverse. {@code all} (the embedded default) runs telemetry, clock, Kafka (an embedded KRaft broker unless
 * {@code kafka.bootstrap} is set), storage, processing (Flink), query, gateway, probe and dashboard; {@code ingest}
 * runs telemetry, clock, Kafka, gateway and dashboard. The node holds no service's logic: it builds each from its
 * typed config, starts it, and mounts its HTTP routes on the listeners they name. Thread-safe for its accessors.
 */
public final class PlatformNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformNode.class);

    static {
        // Netty's leak detector samples one buffer in 128 with a stack trace: ~35 bytes of garbage per frame on each
        // event loop of the TCP path (ZeroAllocationTest). A node runs without it unless the operator asks for it with
        // -Dio.netty.leakDetection.level; tests keep Netty's default, so a leak still shows up there.
        if (System.getProperty("io.netty.leakDetection.level") == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    private final NodeConfig config;
    private final List<Service> services = new ArrayList<>();
    private final ServiceGroup group;
    private final DataDirLock lock;
    private final NodeClock clock;
    private final KafkaService kafka;
    private final GatewayService gateway;
    private final StorageService storage;
    private final ProcessingService processing;
    private final QueryService query;
    private final SyntheticProbe probe;

    private PlatformNode(NodeConfig config, DataDirLock lock) {
        this.config = config;
        this.lock = lock;
        // the one place the process registry is reached: Flink operators in this JVM record into it without a reference
        LatencyMetrics metrics = LatencyMetrics.global();
        MeterRegistry registry = metrics.registry();
        HostResources host = HostResources.detect();
        boolean allServices = config.get("node.role").equals("all");
        services.add(new TelemetryService(TelemetryConfig.from(config), registry));
        SecurityService security = add(new SecurityService(SecurityConfig.from(config), registry));
        clock = add(new NodeClock(ClockConfig.from(config), registry));
        kafka = add(new KafkaService(KafkaConfig.from(config)));
        storage = allServices ? add(new StorageService(StorageConfig.from(config), kafka, metrics)) : null;
        processing = allServices ? add(new ProcessingService(ProcessingConfig.from(config), kafka)) : null;
        query = allServices ? add(new QueryService(QueryConfig.from(config, host), kafka, storage, processing, security, metrics)) : null;
        gateway = add(new GatewayService(GatewayConfig.from(config, host), kafka, security, metrics));
        probe = allServices && config.bool("probe.enabled")
                ? add(new SyntheticProbe(kafka, gateway, query, config.duration("probe.interval"), registry)) : null;
        add(new DashboardService(gateway, storage, processing, probe, metrics));
        group = new ServiceGroup(services);
    }

    private <S extends Service> S add(S service) {
        services.add(service);
        return service;
    }

    /** Starts every service of the config's role; on failure stops what was started and rethrows. */
    public static PlatformNode start(NodeConfig config) throws Exception {
        // before anything opens a file there: a second node on the same data dir is refused with the reason
        DataDirLock lock = DataDirLock.acquire(config.dataDir());
        PlatformNode node;
        try {
            node = new PlatformNode(config, lock);
        } catch (RuntimeException | Error e) {
            lock.close();
            throw e;
        }
        try {
            node.startAll();
            return node;
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        Map<HttpRoute.Listener, ServiceGroup.RouteTarget> listeners = new EnumMap<>(HttpRoute.Listener.class);
        listeners.put(HttpRoute.Listener.GATEWAY, (path, handler) -> gateway.http().route(path, handler));
        if (query != null) {
            listeners.put(HttpRoute.Listener.QUERY, (path, handler) -> query.http().route(path, handler));
        }
        group.start(listeners);
        LOG.info("node started role={} services={}", config.get("node.role"), group.names());
    }

    /** The producer settings of the gateway, for benchmarks that compare a plain producer like for like. */
    public static Properties producerProps(String bootstrapServers, int lingerMs) {
        return KafkaService.producerProps(bootstrapServers, lingerMs);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public int gatewayHttpPort() {
        return gateway.http().port();
    }

    public int gatewayTcpPort() {
        return gateway.tcpPort();
    }

    /** The Arrow Flight SQL port, or -1 when it is off or on an ingest-only node. */
    public int flightSqlPort() {
        return query == null ? -1 : query.flightSqlPort();
    }

    /** The query port, or -1 on an ingest-only node. */
    public int queryHttpPort() {
        return query == null ? -1 : query.http().port();
    }

    public String host() {
        return config.get("bind.host");
    }

    public SchemaRegistry registry() {
        return kafka.registry();
    }

    public SchemaCatalog catalog() {
        return kafka.catalog();
    }

    /** The query engine, or null on an ingest-only node. */
    public QueryEngine queryEngine() {
        return query == null ? null : query.engine();
    }

    public NodeConfig config() {
        return config;
    }

    /** The Aeron channel the gateway serves, or null when disabled. */
    public String aeronChannel() {
        return gateway.aeronChannel();
    }

    /** The node's embedded Aeron driver, for in-process clients (benchmarks); null when Aeron is disabled. */
    public AeronTransport aeronTransport() {
        return gateway.aeronTransport();
    }

    /** The synthetic probe, or null when disabled or on an ingest-only node. */
    public SyntheticProbe probe() {
        return probe;
    }

    /** The checkpoints the streams' aggregation jobs restored from at start, by stream; empty on a fresh start. */
    public Map<String, String> restoredCheckpoints() {
        return processing == null ? Map.of() : processing.restoredCheckpoints();
    }

    /** The UDP port peers sync their clocks to ({@code clock.server.port}), or -1 when off. */
    public int clockServerPort() throws IOException {
        return clock.serverPort();
    }

    /** One line per address, for people and scripts. */
    public String addresses() {
        return NodeAddresses.describe(this, gateway.http().scheme(), kafka.embedded());
    }

    @Override
    public void close() {
        group.close();
        lock.close();
    }
}
