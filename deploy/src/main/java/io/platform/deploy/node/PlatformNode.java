package io.platform.deploy.node;

import ch.qos.logback.classic.Level;
import io.platform.deploy.kafka.EmbeddedKafkaBroker;
import io.platform.ingest.dlq.DeadLetterPublisher;
import io.platform.ingest.dlq.DeadLetterTopic;
import io.platform.ingest.gateway.BinaryIngestHandler;
import io.platform.ingest.gateway.ConfluentRegistryApi;
import io.platform.ingest.gateway.GatewayHttpApi;
import io.platform.ingest.gateway.InFlightBudget;
import io.platform.network.flow.FlowSampler;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.logging.JsonLogAppender;
import io.platform.observability.logging.LogClass;
import io.platform.observability.logging.LogRetention;
import io.platform.observability.logging.LogSetup;
import io.platform.observability.tracing.Tracing;
import io.platform.observability.dashboard.DashboardRoutes;
import io.platform.observability.dashboard.StatsSampler;
import io.platform.ingest.gateway.IngestPipeline;
import io.platform.ingest.schema.SchemaRegistry;
import io.platform.ingest.schema.StreamTopics;
import io.platform.network.aeron.AeronFrameServer;
import io.platform.network.aeron.AeronTransport;
import io.platform.network.tcp.FramedTcpServer;
import io.platform.observability.http.ServiceHttpServer;
import io.platform.processing.aggregation.AggregationSettings;
import io.platform.query.exec.AdmissionControl;
import io.platform.query.exec.QueryEngine;
import io.platform.query.exec.QueryLimits;
import io.platform.query.exec.ResultCache;
import io.platform.query.flight.FlightSqlEndpoint;
import io.platform.query.http.QueryHttpApi;
import io.platform.storage.StorageOptions;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.tiering.PartitionSealer;
import io.platform.storage.tiering.SegmentTier;
import io.platform.storage.tiering.TierMover;
import io.platform.storage.ingest.StorageWriter;
import io.platform.wire.IngestFrameLayout;
import io.platform.wire.schema.SchemaCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The all-in-one node: Kafka (embedded KRaft broker unless {@code kafka.bootstrap} is set), the ingest gateway (HTTP
 * and binary TCP), the storage writer, the Flink aggregation job on a MiniCluster, and the query service, all over
 * one data directory. {@link #close()} stops them in reverse order. Thread-safe for its accessors.
 */
public final class PlatformNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformNode.class);

    static {
        // Netty's leak detector samples one buffer in 128 with a stack trace: ~35 bytes of garbage per frame on each
        // event loop of the TCP path (ZeroAllocationTest). A node runs without it unless the operator asks for it with
        // -Dio.netty.leakDetection.level; tests keep Netty's default, so a leak still shows up there.
        if (System.getProperty("io.netty.leakDetection.level") == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
    }

    private final NodeConfig config;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private String bootstrapServers;
    private SchemaCatalog catalog;
    private SchemaRegistry registry;
    private IngestPipeline pipeline;
    private ServiceHttpServer gatewayHttp;
    private PullConnectors pullConnectors;
    private NodeClock clock;
    private FramedTcpServer gatewayTcp;
    private ServiceHttpServer queryHttp;
    private TimeSeriesStore store;
    private StorageWriter storageWriter;
    private io.platform.storage.rollup.Rollups rollups;
    private final java.util.List<StorageWriter> bulkWriters = new java.util.ArrayList<>();
    private AggregationJobs aggregationJobs;
    private SubmittedJobs submittedJobs;
    private QueryEngine queryEngine;
    private FlightSqlEndpoint flightSql;
    private InFlightBudget budget;
    private SyntheticProbe probe;
    private AeronTransport aeronTransport;
    private String aeronChannel;

    private PlatformNode(NodeConfig config) {
        this.config = config;
    }

    /** Starts every service; on failure stops what was started and rethrows. */
    public static PlatformNode start(NodeConfig config) throws Exception {
        PlatformNode node = new PlatformNode(config);
        try {
            node.startAll();
            return node;
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        Path dataDir = config.dataDir();
        Files.createDirectories(dataDir);
        JsonLogAppender logFiles = LogSetup.install(config.logDir(),
                logRetention(config), Level.toLevel(config.get("log.file.level")));
        // popped last on close: the JSON files record the shutdown too
        started.push(() -> LogSetup.uninstall(logFiles));
        if (!config.get("tracing.otlp-endpoint").isEmpty()) {
            double ratio = Double.parseDouble(config.get("tracing.sample-ratio"));
            String slow = config.get("tracing.tail.slow");
            Tracing tracing = slow.isEmpty()
                    ? Tracing.startOtlp(config.get("tracing.otlp-endpoint"), ratio, "platform")
                    : Tracing.installTailSampling(io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter.builder()
                            .setEndpoint(config.get("tracing.otlp-endpoint")).build(), config.duration("tracing.tail.slow").toNanos(), ratio, "platform");
            started.push(tracing);
        }
        String host = config.get("bind.host");
        // before any server binds: connections read the rate when they open
        FlowSampler.global().setSamplingRate(config.integer("flows.sampling-rate"));
        FlowRoutes.registerMetrics();
        clock = NodeClock.start(config, host);
        started.push(clock);
        boolean allServices = config.get("node.role").equals("all");
        if (allServices) {
            // Storage first: its RocksDB lock refuses a second node on the same data dir before anything else starts.
            store = TimeSeriesStore.open(dataDir.resolve("storage"),
                    new StorageOptions(config.bool("storage.sync"), config.bytes("storage.write-buffer"), config.bytes("storage.block-cache"),
                            StorageOptions.Compaction.valueOf(config.get("storage.rows.compaction").toUpperCase(java.util.Locale.ROOT))));
            started.push(store::close);
            registerLsmMetrics(store);
        }

        if (config.get("kafka.bootstrap").isEmpty()) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), host, config.integer("kafka.port"), Duration.ofSeconds(60));
            started.push(broker);
            bootstrapServers = broker.bootstrapServers();
        } else {
            bootstrapServers = config.get("kafka.bootstrap");
        }
        Admin admin = Admin.create(adminProps());
        started.push(admin);
        StreamTopics topics = new StreamTopics(admin, config.integer("stream.partitions"), (short) config.integer("stream.replication"));
        topics.ensureSchemasTopic();
        catalog = SchemaCatalog.open(bootstrapServers, Duration.ofSeconds(30));
        started.push(catalog);

        Producer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrapServers, config.integer("producer.linger.ms")));
        started.push(() -> producer.close(Duration.ofSeconds(5)));
        Duration window = config.duration("aggregation.window");
        String view = AggregationSettings.viewName(window);
        registry = new SchemaRegistry(catalog, producer, topics, view);
        pipeline = new IngestPipeline(catalog, producer, new DeadLetterPublisher(producer), config.bool("gateway.pack-batches"));
        if (allServices) {
            startProcessingStorageAndQuery(dataDir, host, window, view);
        }
        startGateway(host);
        if (allServices && config.bool("probe.enabled")) {
            probe = new SyntheticProbe(registry, pipeline, queryEngine, config.duration("probe.interval"), Duration.ofSeconds(10));
            started.push(probe);
        }
        startDashboard();
    }

    /**
     * How much a running total grew since the previous call (the sampler calls once a second). The first call gives 0
     * unless {@code initial} is a starting total (0: everything since start); a negative total means "cannot tell now"
     * and gives 0 without moving the baseline.
     */
    private static java.util.function.LongSupplier growthOf(long initial, java.util.function.LongSupplier runningTotal) {
        long[] last = {initial};
        return () -> {
            long total = runningTotal.getAsLong();
            if (total < 0) {
                return 0;
            }
            long delta = last[0] < 0 ? 0 : total - last[0];
            last[0] = total;
            return delta;
        };
    }

    /** GC time in ms since start, from the collectors' MXBeans. */
    private static long gcTimeMs() {
        long total = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    /**
     * The sum of some /proc/net/snmp counters of one protocol since boot, e.g. TCP {@code RetransSegs} or UDP
     * {@code InErrors} and {@code RcvbufErrors}; -1 where the file or the protocol is not there.
     */
    private static long snmpTotal(String protocol, String... counters) {
        String prefix = protocol + ":";
        try {
            java.util.List<String> lines = java.nio.file.Files.readAllLines(Path.of("/proc/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix) && lines.get(i + 1).startsWith(prefix)) {
                    java.util.List<String> names = java.util.List.of(lines.get(i).split("\\s+"));
                    String[] values = lines.get(i + 1).split("\\s+");
                    long total = 0;
                    for (String counter : counters) {
                        int index = names.indexOf(counter);
                        if (index > 0 && index < values.length) {
                            total += Long.parseLong(values[index]);
                        }
                    }
                    return total;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // not Linux, or a format this parser does not know
        }
        return -1;
    }

    /** The per-second sampler behind {@code /dashboard} and {@code /v1/stats}, on the gateway and query ports. */
    private void startDashboard() {
        io.micrometer.core.instrument.search.Search deadLetters = LatencyMetrics.global().registry().find("platform.dlq.events");
        StatsSampler sampler = new StatsSampler(50, 0.999)
                .gauge("in_flight_events", budget::inFlight)
                .gauge("storage_lag", () -> storageWriter == null ? 0 : java.util.stream.Stream.concat(java.util.stream.Stream.of(storageWriter),
                        bulkWriters.stream()).mapToLong(StorageWriter::lagRecords).max().orElse(0))
                .gauge("probe_ms", () -> probe == null ? -1 : probe.lastLatencyMs())
                .gauge("gc_pause_ms", growthOf(-1, PlatformNode::gcTimeMs))
                .gauge("tcp_retransmits", growthOf(-1, () -> snmpTotal("Tcp", "RetransSegs")))
                .gauge("udp_drops", growthOf(-1, () -> snmpTotal("Udp", "InErrors", "RcvbufErrors")))
                .gauge("storage_stall_ms", growthOf(-1, () -> store == null ? -1 : store.stallMicros() / 1000))
                .gauge("checkpoint_ms", () -> aggregationJobs == null ? 0 : aggregationJobs.checkpointMsSinceLastCall())
                .gauge("dead_letters_per_s", growthOf(0, () -> (long) deadLetters.counters().stream()
                        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum()))
                .start();
        started.push(sampler);
        DashboardRoutes.install(gatewayHttp, sampler);
        FlowRoutes.install(gatewayHttp);
        if (queryHttp != null) {
            DashboardRoutes.install(queryHttp, sampler);
            FlowRoutes.install(queryHttp);
        }
    }

    private void startProcessingStorageAndQuery(Path dataDir, String host, Duration window, String view) throws Exception {
        java.util.Map<String, Long> bulkStreams = bulkStreams();
        java.util.List<java.nio.file.Path> coldDirs = config.coldDirs();
        SegmentTier segments = new SegmentTier(dataDir.resolve("segments"), config.bytes("storage.hot.memory"),
                coldDirs.isEmpty() ? null : new io.platform.storage.cold.ErasureCodedStore(coldDirs, config.coldShards()[0], config.coldShards()[1]),
                dataDir.resolve("cold-cache"), config.bytes("storage.cold.cache"));
        io.micrometer.core.instrument.Gauge.builder("platform.storage.hot.bytes", segments, t -> t.hot().bytes())
                .description("decoded column blocks held in memory (the hot tier)").baseUnit("bytes").register(LatencyMetrics.global().registry());
        io.micrometer.core.instrument.FunctionCounter.builder("platform.storage.hot.hits", segments, t -> t.hot().hits())
                .description("column blocks a query found decoded in the hot tier").register(LatencyMetrics.global().registry());
        io.micrometer.core.instrument.FunctionCounter.builder("platform.storage.hot.misses", segments, t -> t.hot().misses())
                .description("column blocks a query had to decode from a segment").register(LatencyMetrics.global().registry());
        // before any writer commits: every commit folds into the rollups it touches
        rollups = io.platform.storage.rollup.Rollups.open(store, segments, catalog);
        started.push(rollups);
        storageWriter = new StorageWriter(bootstrapServers, store, catalog, StorageWriter.topicsExcept(bulkStreams.keySet()), "platform-storage", null);
        storageWriter.start();
        started.push(storageWriter);
        for (java.util.Map.Entry<String, Long> bulk : bulkStreams.entrySet()) {
            StorageWriter writer = new StorageWriter(bootstrapServers, store, catalog, StorageWriter.topicsOf(java.util.Set.of(bulk.getKey())),
                    "platform-storage-bulk-" + bulk.getKey(), io.platform.storage.qos.IoBudget.bulk(bulk.getKey(), bulk.getValue(), 0));
            writer.start();
            started.push(writer);
            bulkWriters.add(writer);
        }

        aggregationJobs = new AggregationJobs(config, dataDir.resolve("flink"), AggregationJobs.settings(config, bootstrapServers));
        started.push(aggregationJobs);
        // job submission takes a second: off the registering request's thread and the catalog reader's
        java.util.concurrent.ExecutorService jobStarter = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "aggregation-job-starter");
            t.setDaemon(true);
            return t;
        });
        started.push(jobStarter::shutdownNow);
        java.util.List<java.util.concurrent.Future<?>> initial = new java.util.ArrayList<>();
        catalog.onNewStream(stream -> initial.add(jobStarter.submit(() -> aggregationJobs.ensure(stream))));
        for (java.util.concurrent.Future<?> start : new java.util.ArrayList<>(initial)) {
            start.get(120, TimeUnit.SECONDS);
        }
        submittedJobs = new SubmittedJobs(aggregationJobs, catalog, config, dataDir.resolve("flink"), bootstrapServers);
        started.push(submittedJobs::stopAll);
        jobStarter.submit(submittedJobs::startKept).get(300, TimeUnit.SECONDS);

        ResultCache cache = new ResultCache(1000, 10_000);
        storageWriter.onCommit(streams -> streams.forEach(cache::invalidate));
        bulkWriters.forEach(writer -> writer.onCommit(streams -> streams.forEach(cache::invalidate)));
        startSealing(segments);
        // column statistics for the planner's estimates, gathered in the background as data lands (at most every 10 s)
        io.platform.query.stats.StatisticsCatalog statistics = new io.platform.query.stats.StatisticsCatalog(store, segments, catalog, 10_000);
        started.push(statistics);
        storageWriter.onCommit(statistics::changed);
        bulkWriters.forEach(writer -> writer.onCommit(statistics::changed));
        queryEngine = new QueryEngine(store, segments, catalog, view, new QueryLimits(config.duration("query.timeout").toMillis(), config.integer("query.max-rows")), cache)
                .withRollups(rollups).withStatistics(statistics);
        javax.net.ssl.SSLContext queryTls = config.bool("query.tls.enabled")
                ? ((io.netty.handler.ssl.JdkSslContext) NodeTls.open(config.dataDir()).serverContext(host)).context() : null;
        queryHttp = new ServiceHttpServer("query", host, config.integer("query.http.port"), 8,
                () -> storageWriter.healthy() && bulkWriters.stream().allMatch(StorageWriter::healthy), queryTls, queryTls != null);
        // 4 queries run at once (2 cores), 32 wait up to the query timeout; more are refused with 503
        QueryHttpApi queryApi = new QueryHttpApi(queryEngine, new AdmissionControl(4, 32, config.duration("query.timeout").toMillis()));
        QueryLimits queryLimits = new QueryLimits(config.duration("query.timeout").toMillis(), config.integer("query.max-rows"));
        java.util.Map<String, Long> timeoutByUser = config.queryTimeoutMsByUser();
        java.util.Map<String, Long> maxRowsByUser = config.queryMaxRowsByUser();
        queryApi.limitsByUser(user -> queryLimits.forUser(user, timeoutByUser, maxRowsByUser));
        queryApi.install(queryHttp);
        MaterializedViews views = new MaterializedViews(submittedJobs, registry, catalog, bootstrapServers, config, queryEngine);
        queryApi.handle(java.util.regex.Pattern.compile("(?is)^\\s*CREATE\\s+MATERIALIZED\\s+VIEW\\b"), views::create);
        queryApi.handle(java.util.regex.Pattern.compile("(?is)^\\s*DROP\\s+MATERIALIZED\\s+VIEW\\b"), views::drop);
        queryHttp.route("/v1/jobs", this::jobs);
        queryHttp.route("/v1/segments", exchange -> segmentsOf(exchange, segments));
        queryHttp.route("/v1/statistics", exchange -> statisticsOf(exchange, statistics));
        queryHttp.start();
        started.push(queryHttp);
        if (!config.get("query.flight.port").equals("off")) {
            // the same engine and admission control as the HTTP API, for JDBC/ADBC clients
            flightSql = FlightSqlEndpoint.start(queryEngine, queryApi.admission(), config.integer("query.max-rows"), host,
                    config.integer("query.flight.port"));
            started.push(flightSql);
        }
    }

    /** Seals due partitions every storage.seal.check (a minute), off the request and writer threads. */
    private void startSealing(SegmentTier segments) {
        if (config.get("storage.seal.after").equals("off")) {
            return;
        }
        PartitionSealer sealer = new PartitionSealer(store, catalog, segments, config.duration("storage.seal.partition").toMillis(),
                config.duration("storage.seal.after").toMillis());
        io.micrometer.core.instrument.Counter sealedRows = io.micrometer.core.instrument.Counter.builder("platform.storage.sealed.rows")
                .description("raw rows moved from RocksDB into columnar segments").register(LatencyMetrics.global().registry());
        java.util.concurrent.ScheduledExecutorService sealing = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "partition-sealer");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
        java.util.Map<String, Long> coldAfter = config.coldAfterByStream();
        long defaultColdAfter = config.duration("storage.cold.after").toMillis();
        TierMover mover = new TierMover(store, segments, catalog::streams, stream -> coldAfter.getOrDefault(stream, defaultColdAfter),
                config.duration("storage.cold.idle").toMillis());
        boolean coldTier = !config.coldDirs().isEmpty();
        sealing.scheduleWithFixedDelay(() -> {
            try {
                for (io.platform.storage.SealedPartition p : sealer.sealDue(System.currentTimeMillis())) {
                    sealedRows.increment(p.rows());
                    System.err.println("storage: sealed " + p.stream() + " [" + java.time.Instant.ofEpochMilli(p.fromMs()) + ", "
                            + java.time.Instant.ofEpochMilli(p.toMs()) + "): " + p.rows() + " rows into segments/" + p.stream() + "/" + p.file());
                }
                for (io.platform.storage.SealedPartition p : coldTier ? mover.moveDue(System.currentTimeMillis()) : java.util.List.<io.platform.storage.SealedPartition>of()) {
                    System.err.println("storage: moved " + p.stream() + " [" + java.time.Instant.ofEpochMilli(p.fromMs()) + ", "
                            + java.time.Instant.ofEpochMilli(p.toMs()) + ") to the cold tier");
                }
            } catch (RuntimeException e) {
                // the rows stay in RocksDB and are read from there: retried at the next check
                System.err.println("storage: sealing failed, retrying at the next check (storage.seal.check): " + e);
            }
        }, 1000, config.duration("storage.seal.check").toMillis(), TimeUnit.MILLISECONDS);
        // interrupted, the sealer stops between partitions; the one in progress finishes before the store closes under it
        started.push(() -> {
            sealing.shutdownNow();
            sealing.awaitTermination(2, TimeUnit.MINUTES);
        });
    }

    private void startGateway(String host) throws Exception {
        budget = new InFlightBudget(config.integer("gateway.max-in-flight-events"));
        String aeronChannel = config.get("gateway.aeron.channel");
        if (!aeronChannel.isEmpty()) {
            if (aeronChannel.endsWith(":0")) {
                try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, java.net.InetAddress.getByName(host))) {
                    aeronChannel = aeronChannel.substring(0, aeronChannel.length() - 1) + probe.getLocalPort();
                }
            }
            if (config.bool("gateway.rdma.enabled")) {
                io.platform.network.rdma.RdmaSelection.Decision rdma = io.platform.network.rdma.RdmaSelection.forThisHost(
                        "Aeron UDP " + aeronChannel, line -> System.err.println("gateway: " + line));
                if (rdma.rdmaUsable()) {
                    System.err.println("gateway: this build has no verbs data path yet; the gateway stays on Aeron UDP " + aeronChannel);
                }
            }
            String driverIdle = config.get("aeron.driver.idle-strategy");
            aeronTransport = AeronTransport.launch(config.get("aeron.idle-strategy"),
                    driverIdle.equals("auto") ? AeronTransport.driverIdleFor(config.get("aeron.idle-strategy"), aeronChannel) : driverIdle,
                    io.platform.network.aeron.StaleDriverDirectories.PREFIX + Integer.toHexString(config.dataDir().toString().hashCode()));
            started.push(aeronTransport);
            for (io.platform.network.aeron.DriverCounter counter : io.platform.network.aeron.DriverCounter.values()) {
                io.micrometer.core.instrument.FunctionCounter.builder(counter.metricName(), aeronTransport, t -> t.read(counter))
                        .description(counter.description()).register(LatencyMetrics.global().registry());
            }
            AeronFrameServer aeronServer = new AeronFrameServer(aeronTransport, aeronChannel, config.integer("gateway.aeron.stream-id"),
                    IngestFrameLayout.MAX_FRAME_LENGTH, new BinaryIngestHandler(pipeline, budget));
            started.push(aeronServer);
            this.aeronChannel = aeronChannel;
        }
        io.micrometer.core.instrument.Gauge.builder("platform.gateway.in_flight_events", budget, InFlightBudget::inFlight)
                .description("events received and not yet acknowledged by Kafka").register(LatencyMetrics.global().registry());
        io.netty.handler.ssl.SslContext tls = config.bool("gateway.tls.enabled") ? NodeTls.open(config.dataDir()).serverContext(host) : null;
        gatewayTcp = FramedTcpServer.bind(host, config.integer("gateway.tcp.port"), 2, IngestFrameLayout.MAX_FRAME_LENGTH,
                new BinaryIngestHandler(pipeline, budget), tls);
        started.push(gatewayTcp);
        gatewayHttp = new ServiceHttpServer("gateway", host, config.integer("gateway.http.port"), 16, () -> true,
                tls == null ? null : ((io.netty.handler.ssl.JdkSslContext) tls).context(), httpClientAuthRequired());
        new GatewayHttpApi(registry, pipeline, new DeadLetterTopic(bootstrapServers, catalog), budget).install(gatewayHttp);
        new ConfluentRegistryApi(registry).install(gatewayHttp);
        gatewayHttp.start();
        started.push(gatewayHttp);
        if (!config.get("connectors.file").isEmpty()) {
            pullConnectors = PullConnectors.start(Path.of(config.get("connectors.file")), config.dataDir(),
                    new io.platform.ingest.gateway.JsonEventIngest(pipeline, budget), catalog);
            started.push(pullConnectors);
        }
    }

    /**
     * {@code GET /v1/jobs}: every stream's job; {@code GET /v1/jobs/<stream>/profile}: where its time goes and its
     * bottleneck; {@code POST /v1/jobs/<stream>/savepoint|cancel|start[?from=<savepoint>]}
     * take a savepoint, cancel (checkpoints kept), or start again from a savepoint or the newest checkpoint.
     */
    /**
     * {@code GET /v1/statistics?stream=S}: what the planner knows of a stream, gathered now: rows, and per column its
     * values, distinct values, min, max and histogram boundaries (numbers). One JSON object.
     */
    private void statisticsOf(com.sun.net.httpserver.HttpExchange exchange, io.platform.query.stats.StatisticsCatalog statistics) throws java.io.IOException {
        String query = exchange.getRequestURI().getQuery();
        String stream = query != null && query.startsWith("stream=") ? java.net.URLDecoder.decode(query.substring(7), java.nio.charset.StandardCharsets.UTF_8) : null;
        io.platform.query.stats.TableStatistics stats = stream == null ? null : statistics.refresh(stream);
        if (stats == null) {
            ServiceHttpServer.respond(exchange, 400, "application/json", "{\"error\":\"name a stream: /v1/statistics?stream=<stream>; streams: " + catalog.streams() + "\"}");
            return;
        }
        com.fasterxml.jackson.databind.node.ObjectNode json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        json.put("stream", stats.stream());
        json.put("rows", stats.rows());
        json.put("sealed_rows", stats.sealedRows());
        json.put("recent_rows_sampled", stats.sampledRows());
        com.fasterxml.jackson.databind.node.ObjectNode columns = json.putObject("columns");
        for (io.platform.query.stats.ColumnStatistics column : new java.util.TreeMap<>(stats.columns()).values()) {
            com.fasterxml.jackson.databind.node.ObjectNode c = columns.putObject(column.column());
            c.put("values", column.values());
            c.put("distinct", column.distinct());
            c.putPOJO("min", column.min());
            c.putPOJO("max", column.max());
            if (column.boundaries() != null) {
                com.fasterxml.jackson.databind.node.ArrayNode histogram = c.putArray("histogram");
                for (double boundary : column.boundaries()) {
                    histogram.add(boundary);
                }
            }
        }
        ServiceHttpServer.respond(exchange, 200, "application/json", json.toString());
    }

    /** {@code GET /v1/segments[?stream=S]}: each sealed partition, one JSON object per line, with the tier holding it. */
    private void segmentsOf(com.sun.net.httpserver.HttpExchange exchange, SegmentTier segments) throws java.io.IOException {
        String query = exchange.getRequestURI().getQuery();
        String only = query != null && query.startsWith("stream=") ? java.net.URLDecoder.decode(query.substring(7), java.nio.charset.StandardCharsets.UTF_8) : null;
        StringBuilder lines = new StringBuilder();
        for (String stream : new java.util.TreeSet<>(catalog.streams())) {
            if (only != null && !only.equals(stream)) {
                continue;
            }
            for (io.platform.storage.SealedPartition p : store.sealed(stream, Long.MIN_VALUE, Long.MAX_VALUE)) {
                lines.append("{\"stream\":").append(ServiceHttpServer.jsonString(stream))
                        .append(",\"from\":").append(ServiceHttpServer.jsonString(java.time.Instant.ofEpochMilli(p.fromMs()).toString()))
                        .append(",\"to\":").append(ServiceHttpServer.jsonString(java.time.Instant.ofEpochMilli(p.toMs()).toString()))
                        .append(",\"rows\":").append(p.rows())
                        .append(",\"tier\":").append(ServiceHttpServer.jsonString(segments.location(p).name().toLowerCase(java.util.Locale.ROOT)))
                        .append(",\"file\":").append(ServiceHttpServer.jsonString(p.file())).append("}\n");
            }
        }
        ServiceHttpServer.respond(exchange, 200, "application/x-ndjson", lines.toString());
    }

    /**
     * {@code GET /v1/jobs}: every job, the streams' aggregation jobs and the submitted ones; {@code GET
     * /v1/jobs/<stream>/profile}: where an aggregation job's time goes and its bottleneck; {@code POST
     * /v1/jobs/<name>/submit[?class=C&from=S]}: a new job from the body, Flink SQL text or (Content-Type
     * application/java-archive) a job jar; {@code POST /v1/jobs/<name>/savepoint|cancel|start[?from=<savepoint>]}: take
     * a savepoint, cancel (an aggregation job keeps its checkpoints; a submitted job is forgotten), or start an
     * aggregation job again from a savepoint or its newest checkpoint.
     */
    private void jobs(com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
        String[] path = java.util.Arrays.stream(exchange.getRequestURI().getPath().substring("/v1/jobs".length()).split("/"))
                .filter(p -> !p.isEmpty()).toArray(String[]::new);
        if (path.length == 0) {
            ServiceHttpServer.respond(exchange, 200, "application/x-ndjson", aggregationJobs.describe() + submittedJobs.describeAll());
            return;
        }
        if (path.length == 2 && path[1].equals("profile") && exchange.getRequestMethod().equals("GET")) {
            try {
                ServiceHttpServer.respond(exchange, 200, "application/json",
                        submittedJobs.has(path[0]) ? submittedJobs.profile(path[0]) : aggregationJobs.profile(path[0]));
            } catch (IllegalArgumentException e) {
                ServiceHttpServer.respond(exchange, 404, "application/json", "{\"error\":" + ServiceHttpServer.jsonString(e.getMessage()) + "}");
            } catch (Exception e) {
                // an external cluster's REST API did not answer
                ServiceHttpServer.respond(exchange, 502, "application/json", "{\"error\":" + ServiceHttpServer.jsonString(
                        "cannot read the job's metrics from the Flink cluster: " + e.getMessage()) + "}");
            }
            return;
        }
        if (path.length != 2 || !exchange.getRequestMethod().equals("POST")) {
            ServiceHttpServer.respond(exchange, 404, "application/json",
                    "{\"error\":\"use GET /v1/jobs, GET /v1/jobs/<stream>/profile, POST /v1/jobs/<name>/submit or POST /v1/jobs/<name>/savepoint|cancel|start\"}");
            return;
        }
        String name = path[0];
        java.util.Map<String, String> params = ServiceHttpServer.queryParams(exchange);
        String from = params.get("from");
        boolean submitted = submittedJobs.has(name);
        try {
            String answer = switch (path[1]) {
                case "submit" -> {
                    byte[] body = exchange.getRequestBody().readNBytes(MAX_JOB_BYTES + 1);
                    if (body.length > MAX_JOB_BYTES) {
                        throw new IllegalArgumentException("a job definition is limited to " + (MAX_JOB_BYTES >> 20) + " MiB");
                    }
                    String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
                    SubmittedJobs.Definition definition = type.startsWith("application/java-archive")
                            ? new SubmittedJobs.Definition(null, body, params.get("class"))
                            : new SubmittedJobs.Definition(new String(body, java.nio.charset.StandardCharsets.UTF_8), null, null);
                    yield submittedJobs.submit(name, definition, from);
                }
                case "savepoint" -> "{\"job\":" + ServiceHttpServer.jsonString(name) + ",\"savepoint\":"
                        + ServiceHttpServer.jsonString(submitted ? submittedJobs.savepoint(name) : aggregationJobs.savepoint(name)) + "}";
                case "cancel" -> {
                    if (submitted) {
                        submittedJobs.cancel(name);
                    } else {
                        aggregationJobs.cancel(name);
                    }
                    yield "{\"job\":" + ServiceHttpServer.jsonString(name) + ",\"status\":\"CANCELED\"}";
                }
                case "start" -> {
                    if (submitted) {
                        throw new IllegalArgumentException("job '" + name + "' was submitted: it starts with the node; to run it from a savepoint,"
                                + " cancel it and submit it again with --from <savepoint>");
                    }
                    String restored = aggregationJobs.start(name, from);
                    yield "{\"job\":" + ServiceHttpServer.jsonString(name) + ",\"status\":\"RUNNING\",\"restoredFrom\":" + (restored == null ? "null" : ServiceHttpServer.jsonString(restored)) + "}";
                }
                default -> throw new IllegalArgumentException("unknown action '" + path[1] + "': use submit, savepoint, cancel or start");
            };
            ServiceHttpServer.respond(exchange, 200, "application/json", answer);
        } catch (IllegalArgumentException e) {
            ServiceHttpServer.respond(exchange, 400, "application/json", "{\"error\":" + ServiceHttpServer.jsonString(e.getMessage()) + "}");
        } catch (Exception e) {
            LOG.warn("job action {} on {} failed: {}", path[1], name, e.toString(), e);
            // the cluster's reason is usually a few causes down (ExecutionException, JobSubmissionException, ...)
            StringBuilder causes = new StringBuilder(e.toString());
            for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                causes.append("; caused by ").append(cause);
            }
            ServiceHttpServer.respond(exchange, 500, "application/json", "{\"error\":" + ServiceHttpServer.jsonString(causes.toString()) + "}");
        }
    }

    private static final int MAX_JOB_BYTES = 256 << 20;

    /**
     * The warm tier's LSM costs in Prometheus: write amplification (SST bytes written per byte stored), read
     * amplification (data blocks per read), stall time, compaction backlog and level-0 files. Read from RocksDB's
     * statistics at scrape time.
     */
    private static void registerLsmMetrics(TimeSeriesStore store) {
        io.micrometer.core.instrument.MeterRegistry registry = LatencyMetrics.global().registry();
        io.micrometer.core.instrument.Gauge.builder("platform.storage.write.amplification", store, s -> s.lsmStats().writeAmplification())
                .description("bytes flushes and compactions wrote per byte the platform stored").register(registry);
        io.micrometer.core.instrument.Gauge.builder("platform.storage.read.amplification", store, s -> s.lsmStats().readAmplification())
                .description("data blocks touched per point lookup or seek").register(registry);
        io.micrometer.core.instrument.Gauge.builder("platform.storage.pending.compaction.bytes", store, s -> s.lsmStats().pendingCompactionBytes())
                .description("bytes compaction still has to rewrite").register(registry);
        io.micrometer.core.instrument.Gauge.builder("platform.storage.level0.files", store, s -> s.lsmStats().level0Files())
                .description("SST files in level 0").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("platform.storage.stall.seconds", store, s -> s.stallMicros() / 1e6)
                .description("time writes were stalled or slowed because flushes or compactions fell behind").register(registry);
    }

    /** {@code storage.bulk-streams} as stream to bytes per second. */
    private java.util.Map<String, Long> bulkStreams() {
        java.util.Map<String, Long> streams = new java.util.TreeMap<>();
        String value = config.get("storage.bulk-streams").trim();
        if (value.isEmpty()) {
            return streams;
        }
        for (String pair : value.split(",")) {
            String[] parts = pair.trim().split(":");
            if (parts.length != 2 || !parts[0].matches("[A-Za-z0-9_\\-]+") || !parts[1].matches("\\d+") || Long.parseLong(parts[1]) == 0) {
                throw new ConfigException("storage.bulk-streams=" + value + ": '" + pair.trim() + "' is not stream:MiB/s, e.g. storage.bulk-streams=history:16");
            }
            streams.put(parts[0], Long.parseLong(parts[1]) << 20);
        }
        return streams;
    }

    private boolean httpClientAuthRequired() {
        String mode = config.get("gateway.tls.http-client-auth");
        if (!mode.equals("require") && !mode.equals("none")) {
            throw new ConfigException("gateway.tls.http-client-auth=" + mode + " is not a mode: use require or none");
        }
        return mode.equals("require");
    }

    private Properties adminProps() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /**
     * The gateway's producer settings, shared with the plain-producer benchmark so the two compare like for like:
     * acks from all in-sync replicas and idempotence, so an acknowledged event is durable and never duplicated by a retry.
     */
    public static Properties producerProps(String bootstrapServers, int lingerMs) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(lingerMs));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(128 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        return props;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public int gatewayHttpPort() {
        return gatewayHttp.port();
    }

    public int gatewayTcpPort() {
        return gatewayTcp.port();
    }

    /** The Arrow Flight SQL port, or -1 when it is off or on an ingest-only node. */
    public int flightSqlPort() {
        return flightSql == null ? -1 : flightSql.port();
    }

    /** The query port, or -1 on an ingest-only node. */
    public int queryHttpPort() {
        return queryHttp == null ? -1 : queryHttp.port();
    }

    public String host() {
        return config.get("bind.host");
    }

    public SchemaRegistry registry() {
        return registry;
    }

    public SchemaCatalog catalog() {
        return catalog;
    }

    public QueryEngine queryEngine() {
        return queryEngine;
    }

    public NodeConfig config() {
        return config;
    }

    /** The Aeron channel the gateway serves, or null when disabled. */
    public String aeronChannel() {
        return aeronChannel;
    }

    /** The node's embedded Aeron driver, for in-process clients (benchmarks); null when Aeron is disabled. */
    public AeronTransport aeronTransport() {
        return aeronTransport;
    }

    /** The synthetic probe, or null when disabled or on an ingest-only node. */
    SyntheticProbe probe() {
        return probe;
    }

    /** The checkpoints the streams' aggregation jobs restored from at start, by stream; empty on a fresh start. */
    public java.util.Map<String, String> restoredCheckpoints() {
        return aggregationJobs == null ? java.util.Map.of() : aggregationJobs.restoredFrom();
    }

    /** The UDP port peers sync their clocks to ({@code clock.server.port}), or -1 when off. */
    public int clockServerPort() throws java.io.IOException {
        return clock.serverPort();
    }

    /** One line per address, for people and scripts. */
    public String addresses() {
        String h = host();
        String web = gatewayHttp.scheme() + "://";
        return "gateway   " + web + h + ":" + gatewayHttpPort() + "  (POST /v1/schemas/<stream>, POST /v1/streams/<stream>/events, /health, /metrics)\n"
                + "dashboard " + web + h + ":" + gatewayHttpPort() + "/dashboard  (live throughput, p50/p99/p999 per stage, lag, SLO burn)\n"
                + "gateway   tcp://" + h + ":" + gatewayTcpPort() + "   (binary wire-format frames" + (config.bool("gateway.tls.enabled") ? ", mutual TLS 1.3" : "") + ")\n"
                + (aeronChannel == null ? "" : "gateway   " + aeronChannel + " stream " + config.get("gateway.aeron.stream-id") + "  (the same frames over Aeron)\n")
                + (queryHttp == null ? "query     (not on this node: node.role=ingest)\n"
                        : "query     " + (config.bool("query.tls.enabled") ? "https" : "http") + "://" + h + ":" + queryHttpPort() + "  (POST /v1/query, /health, /metrics)\n")
                + (flightSql == null ? "" : "query     jdbc:arrow-flight-sql://" + h + ":" + flightSqlPort() + "/?useEncryption=false  (Arrow Flight SQL)\n")
                + "kafka     " + bootstrapServers + (config.get("kafka.bootstrap").isEmpty() ? "  (embedded KRaft broker)" : "  (external)") + "\n"
                + "data dir  " + config.dataDir();
    }

    /** The retention of each log class from {@code log.retention.<class>}. */
    static LogRetention logRetention(NodeConfig config) {
        LogRetention retention = new LogRetention();
        for (LogClass logClass : LogClass.values()) {
            retention.keep(logClass, config.duration("log.retention." + logClass.key()));
        }
        return retention;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable component = started.pop();
            try {
                component.close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}: {}", component, e.toString());
            }
        }
    }
}
