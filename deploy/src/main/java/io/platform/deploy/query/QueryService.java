package io.platform.deploy.query;

import io.netty.handler.ssl.JdkSslContext;
import io.platform.deploy.kafka.KafkaService;
import io.platform.deploy.node.NodeTls;
import io.platform.deploy.processing.MaterializedViews;
import io.platform.deploy.processing.ProcessingService;
import io.platform.deploy.security.SecurityService;
import io.platform.deploy.service.HttpRoute;
import io.platform.deploy.service.Service;
import io.platform.deploy.service.StartedResources;
import io.platform.deploy.storage.StorageService;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.http.ServiceHttpServer;
import io.platform.query.exec.AdmissionControl;
import io.platform.query.exec.QueryEngine;
import io.platform.query.exec.QueryLimits;
import io.platform.query.exec.ResultCache;
import io.platform.query.flight.FlightSqlEndpoint;
import io.platform.query.http.QueryHttpApi;
import io.platform.query.stats.StatisticsCatalog;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * SQL over the stored streams: the query engine (result cache invalidated by storage's commits, planner statistics
 * gathered in the background), its HTTP listener ({@code POST /v1/query}; materialized views created through it) and
 * Arrow Flight SQL, both behind one admission control. Other services' admin routes are mounted on its listener.
 * Thread-safe after {@link #start()}.
 */
public final class QueryService implements Service {
    private static final Pattern CREATE_VIEW = Pattern.compile("(?is)^\\s*CREATE\\s+MATERIALIZED\\s+VIEW\\b");
    private static final Pattern DROP_VIEW = Pattern.compile("(?is)^\\s*DROP\\s+MATERIALIZED\\s+VIEW\\b");
    private static final int CACHED_RESULTS = 1000;
    private static final int CACHED_RESULT_ROWS = 10_000;
    /** Statistics are gathered at most this often per stream as data lands. */
    private static final long STATISTICS_REFRESH_MS = 10_000;

    private final QueryConfig config;
    private final KafkaService kafka;
    private final StorageService storage;
    private final ProcessingService processing;
    private final LatencyMetrics metrics;
    private final SecurityService security;
    private final StartedResources started = new StartedResources("query");
    private QueryEngine engine;
    private StatisticsCatalog statistics;
    private ServiceHttpServer http;
    private FlightSqlEndpoint flightSql;

    public QueryService(QueryConfig config, KafkaService kafka, StorageService storage, ProcessingService processing,
                        SecurityService security, LatencyMetrics metrics) {
        this.config = config;
        this.kafka = kafka;
        this.storage = storage;
        this.processing = processing;
        this.metrics = metrics;
        this.security = security;
    }

    @Override
    public String name() {
        return "query";
    }

    @Override
    public void start() throws Exception {
        ResultCache cache = new ResultCache(CACHED_RESULTS, CACHED_RESULT_ROWS, metrics);
        storage.onCommit(streams -> streams.forEach(cache::invalidate));
        statistics = started.add(new StatisticsCatalog(storage.store(), storage.segments(), kafka.catalog(), STATISTICS_REFRESH_MS));
        storage.onCommit(statistics::changed);
        QueryLimits limits = new QueryLimits(config.timeoutMs(), config.maxRows());
        engine = new QueryEngine(storage.store(), storage.segments(), kafka.catalog(), kafka.aggregateView(), limits, cache)
                .withRollups(storage.rollups()).withStatistics(statistics).withMetrics(metrics);
        SSLContext tls = config.tls()
                ? ((JdkSslContext) NodeTls.open(config.dataDir()).serverContext(config.host())).context() : null;
        http = started.add(new ServiceHttpServer("query", config.host(), config.httpPort(), config.httpWorkers(), storage::healthy,
                tls, tls != null, metrics));
        QueryHttpApi api = new QueryHttpApi(engine, new AdmissionControl(config.concurrency(), config.queue(), config.timeoutMs()),
                metrics);
        api.limitsByUser(user -> limits.forUser(user, config.timeoutMsByUser(), config.maxRowsByUser()));
        api.access(security.queryAccess());
        api.install(http);
        MaterializedViews views = processing.views(engine);
        api.handle(CREATE_VIEW, views::create);
        api.handle(DROP_VIEW, views::drop);
        // before the first request: with security on, every route checks the caller first
        http.guard(security.guard());
        if (config.flightPort() >= 0) {
            // the same engine and admission control as the HTTP API, for JDBC/ADBC clients
            flightSql = started.add(FlightSqlEndpoint.start(engine, api.admission(), config.maxRows(), config.host(),
                    config.flightPort()));
        }
    }

    @Override
    public void serve() {
        http.start();
    }

    /** The HTTP listener, where the node mounts every {@link HttpRoute.Listener#QUERY} route. */
    public ServiceHttpServer http() {
        return http;
    }

    public QueryEngine engine() {
        return engine;
    }

    /** The Arrow Flight SQL port, or -1 when {@code query.flight.port=off}. */
    public int flightSqlPort() {
        return flightSql == null ? -1 : flightSql.port();
    }

    @Override
    public boolean healthy() {
        return storage.healthy();
    }

    @Override
    public List<HttpRoute> routes() {
        return List.of(new HttpRoute("/v1/statistics", HttpRoute.Listener.QUERY, new StatisticsRoutes(statistics, kafka.catalog())));
    }

    @Override
    public void close() {
        started.closeAll();
    }
}
