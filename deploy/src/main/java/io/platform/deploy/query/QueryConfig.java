package io.platform.deploy.query;

import io.platform.deploy.node.HostResources;
import io.platform.deploy.node.NodeConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * The query service's settings, from the {@code query.*} keys of a validated node config; thread counts and
 * admission slots default to a multiple of the host's cores.
 *
 * @param dataDir          the node's data directory (TLS material under {@code tls/})
 * @param host             {@code bind.host}
 * @param httpPort         {@code query.http.port}
 * @param flightPort       {@code query.flight.port}, or -1 when {@code off} or {@code security.enabled} (no client auth yet)
 * @param tls              {@code query.tls.enabled}, or {@code security.enabled}
 * @param timeoutMs        {@code query.timeout}
 * @param maxRows          {@code query.max-rows}
 * @param timeoutMsByUser  {@code query.timeout-per-user}
 * @param maxRowsByUser    {@code query.max-rows-per-user}
 * @param concurrency      {@code query.concurrency}: queries that run at once
 * @param queue            {@code query.queue}: queries that wait for a slot, up to the timeout; more get 503
 * @param httpWorkers      threads of the HTTP listener
 */
public record QueryConfig(Path dataDir, String host, int httpPort, int flightPort, boolean tls, long timeoutMs, int maxRows,
                          Map<String, Long> timeoutMsByUser, Map<String, Long> maxRowsByUser, int concurrency, int queue,
                          int httpWorkers) {
    /** Queries running at once per core: a scan uses one core, and a second hides another's waits on I/O. */
    private static final int CONCURRENCY_PER_CORE = 2;
    private static final int QUEUE_PER_CORE = 16;
    private static final int HTTP_WORKERS_PER_CORE = 4;

    /** Reads the keys above; {@code auto} sizes come from {@code host}. */
    public static QueryConfig from(NodeConfig config, HostResources host) {
        String flight = config.get("query.flight.port");
        // Flight SQL authenticates no client yet: with security on it stays off rather than serve every stream to anyone
        boolean flightOff = flight.equals("off") || config.bool("security.enabled");
        return new QueryConfig(config.dataDir(), config.get("bind.host"), config.integer("query.http.port"),
                flightOff ? -1 : config.integer("query.flight.port"), config.bool("query.tls.enabled") || config.bool("security.enabled"),
                config.duration("query.timeout").toMillis(), config.integer("query.max-rows"), config.queryTimeoutMsByUser(),
                config.queryMaxRowsByUser(), host.perCore(config, "query.concurrency", CONCURRENCY_PER_CORE),
                host.perCore(config, "query.queue", QUEUE_PER_CORE), HTTP_WORKERS_PER_CORE * host.cores());
    }
}
