package io.platform.deploy.gateway;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.platform.deploy.kafka.KafkaService;
import io.platform.deploy.node.NodeTls;
import io.platform.deploy.security.SecurityService;
import io.platform.deploy.service.Meters;
import io.platform.deploy.service.Service;
import io.platform.deploy.service.StartedResources;
import io.platform.ingest.dlq.DeadLetterPublisher;
import io.platform.ingest.dlq.DeadLetterTopic;
import io.platform.ingest.gateway.BinaryIngestHandler;
import io.platform.ingest.gateway.ConfluentRegistryApi;
import io.platform.ingest.gateway.GatewayHttpApi;
import io.platform.ingest.gateway.InFlightBudget;
import io.platform.ingest.gateway.IngestPipeline;
import io.platform.ingest.gateway.JsonEventIngest;
import io.platform.network.aeron.AeronFrameServer;
import io.platform.network.aeron.AeronTransport;
import io.platform.network.aeron.DriverCounter;
import io.platform.network.aeron.StaleDriverDirectories;
import io.platform.network.rdma.RdmaSelection;
import io.platform.network.tcp.FramedTcpServer;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.http.ServiceHttpServer;
import io.platform.wire.IngestFrameLayout;
import java.net.DatagramSocket;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest gateway: events over HTTP (and the Confluent-compatible registry routes), binary frames over TCP (mutual
 * TLS 1.3 when enabled) and Aeron, and the configured pull connectors, all validated against the registered schemas
 * and produced to Kafka under one in-flight budget. Its HTTP listener also carries every
 * {@link io.platform.deploy.service.HttpRoute.Listener#GATEWAY} route. Thread-safe after {@link #start()}.
 */
public final class GatewayService implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayService.class);

    private final GatewayConfig config;
    private final KafkaService kafka;
    private final LatencyMetrics metrics;
    private final SecurityService security;
    private final StartedResources started = new StartedResources("gateway");
    private IngestPipeline pipeline;
    private InFlightBudget budget;
    private AeronTransport aeronTransport;
    private String aeronChannel;
    private FramedTcpServer tcp;
    private ServiceHttpServer http;

    public GatewayService(GatewayConfig config, KafkaService kafka, SecurityService security, LatencyMetrics metrics) {
        this.config = config;
        this.kafka = kafka;
        this.metrics = metrics;
        this.security = security;
    }

    @Override
    public String name() {
        return "gateway";
    }

    @Override
    public void start() throws Exception {
        pipeline = new IngestPipeline(kafka.catalog(), kafka.producer(), new DeadLetterPublisher(kafka.producer(), false, metrics),
                config.packBatches(), metrics);
        budget = new InFlightBudget(config.maxInFlightEvents());
        started.add(Meters.removedOnClose(metrics.registry(), Gauge.builder("platform.gateway.in_flight_events", budget,
                InFlightBudget::inFlight).description("events received and not yet acknowledged by Kafka").register(metrics.registry())));
        if (!config.aeronChannel().isEmpty()) {
            startAeron();
        }
        SslContext tls = config.tls() ? NodeTls.open(config.dataDir()).serverContext(config.host()) : null;
        tcp = started.add(FramedTcpServer.bind(config.host(), config.tcpPort(), config.tcpEventLoops(),
                IngestFrameLayout.MAX_FRAME_LENGTH, new BinaryIngestHandler(pipeline, budget, security.ingestAccess()), tls));
        http = started.add(new ServiceHttpServer("gateway", config.host(), config.httpPort(), config.httpWorkers(), () -> true,
                tls == null ? null : ((JdkSslContext) tls).context(), config.httpClientAuth(), metrics));
        new GatewayHttpApi(kafka.registry(), pipeline, new DeadLetterTopic(kafka.bootstrapServers(), kafka.catalog(), metrics), budget)
                .install(http);
        new ConfluentRegistryApi(kafka.registry()).install(http);
        // before the first request: with security on, every route checks the caller first
        http.guard(security.guard());
        if (config.connectorsFile() != null) {
            started.add(PullConnectors.start(config.connectorsFile(), config.dataDir(), new JsonEventIngest(pipeline, budget),
                    kafka.catalog()));
        }
    }

    private void startAeron() throws Exception {
        String channel = config.aeronChannel();
        if (channel.endsWith(":0")) {
            try (DatagramSocket free = new DatagramSocket(0, InetAddress.getByName(config.host()))) {
                channel = channel.substring(0, channel.length() - 1) + free.getLocalPort();
            }
        }
        if (config.rdma()) {
            String fallback = "Aeron UDP " + channel;
            RdmaSelection.Decision rdma = RdmaSelection.forThisHost(fallback, line -> LOG.info("rdma {}", line));
            if (rdma.rdmaUsable()) {
                LOG.warn("rdma usable but not used reason='this build has no verbs data path yet' transport={}", fallback);
            }
        }
        String driverIdle = config.aeronDriverIdle().equals("auto")
                ? AeronTransport.driverIdleFor(config.aeronIdle(), channel) : config.aeronDriverIdle();
        aeronTransport = started.add(AeronTransport.launch(config.aeronIdle(), driverIdle,
                StaleDriverDirectories.PREFIX + Integer.toHexString(config.dataDir().toString().hashCode())));
        for (DriverCounter counter : DriverCounter.values()) {
            started.add(Meters.removedOnClose(metrics.registry(), FunctionCounter.builder(counter.metricName(), aeronTransport,
                    t -> t.read(counter)).description(counter.description()).register(metrics.registry())));
        }
        started.add(new AeronFrameServer(aeronTransport, channel, config.aeronStreamId(), IngestFrameLayout.MAX_FRAME_LENGTH,
                new BinaryIngestHandler(pipeline, budget, security.ingestAccess())));
        aeronChannel = channel;
    }

    @Override
    public void serve() {
        http.start();
    }

    /** The HTTP listener, where the node mounts every gateway route. */
    public ServiceHttpServer http() {
        return http;
    }

    public int tcpPort() {
        return tcp.port();
    }

    public IngestPipeline pipeline() {
        return pipeline;
    }

    /** Events received and not yet acknowledged by Kafka. */
    public long inFlightEvents() {
        return budget.inFlight();
    }

    /** The Aeron channel served (port 0 resolved), or null when off. */
    public String aeronChannel() {
        return aeronChannel;
    }

    /** The gateway's embedded Aeron driver, for in-process clients (benchmarks); null when Aeron is off. */
    public AeronTransport aeronTransport() {
        return aeronTransport;
    }

    @Override
    public void close() {
        started.closeAll();
    }
}
