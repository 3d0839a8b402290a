package io.platform.deploy.gateway;

import io.platform.deploy.node.ConfigException;
import io.platform.deploy.node.HostResources;
import io.platform.deploy.node.NodeConfig;
import java.nio.file.Path;

/**
 * The gateway's settings, from the {@code gateway.*}, {@code aeron.*} and {@code connectors.file} keys of a validated
 * node config; thread counts scale with the host's cores.
 *
 * @param dataDir            the node's data directory (TLS material, connector positions, the Aeron directory's name)
 * @param host               {@code bind.host}
 * @param httpPort           {@code gateway.http.port}
 * @param tcpPort            {@code gateway.tcp.port}
 * @param tls                {@code gateway.tls.enabled}, or {@code security.enabled}
 * @param httpClientAuth     {@code gateway.tls.http-client-auth=require}, or {@code security.enabled}
 * @param aeronChannel       {@code gateway.aeron.channel}, empty when off
 * @param aeronStreamId      {@code gateway.aeron.stream-id}
 * @param aeronIdle          {@code aeron.idle-strategy}
 * @param aeronDriverIdle    {@code aeron.driver.idle-strategy}
 * @param rdma               {@code gateway.rdma.enabled}
 * @param packBatches        {@code gateway.pack-batches}
 * @param maxInFlightEvents  {@code gateway.max-in-flight-events}
 * @param connectorsFile     {@code connectors.file}, null when none
 * @param tcpEventLoops      event loop threads of the TCP listener
 * @param httpWorkers        worker threads of the HTTP listener (each blocks until Kafka acknowledges)
 */
public record GatewayConfig(Path dataDir, String host, int httpPort, int tcpPort, boolean tls, boolean httpClientAuth,
                            String aeronChannel, int aeronStreamId, String aeronIdle, String aeronDriverIdle, boolean rdma,
                            boolean packBatches, int maxInFlightEvents, Path connectorsFile, int tcpEventLoops, int httpWorkers) {
    private static final int HTTP_WORKERS_PER_CORE = 8;

    /** Reads the keys above; an unknown {@code gateway.tls.http-client-auth} names its two modes. */
    public static GatewayConfig from(NodeConfig config, HostResources host) {
        String clientAuth = config.get("gateway.tls.http-client-auth");
        if (!clientAuth.equals("require") && !clientAuth.equals("none")) {
            throw new ConfigException("gateway.tls.http-client-auth=" + clientAuth + " is not a mode: use require or none");
        }
        String connectors = config.get("connectors.file");
        return new GatewayConfig(config.dataDir(), config.get("bind.host"), config.integer("gateway.http.port"),
                config.integer("gateway.tcp.port"), config.bool("gateway.tls.enabled") || config.bool("security.enabled"),
                clientAuth.equals("require") || config.bool("security.enabled"),
                config.get("gateway.aeron.channel"), config.integer("gateway.aeron.stream-id"), config.get("aeron.idle-strategy"),
                config.get("aeron.driver.idle-strategy"), config.bool("gateway.rdma.enabled"), config.bool("gateway.pack-batches"),
                config.integer("gateway.max-in-flight-events"), connectors.isEmpty() ? null : Path.of(connectors),
                host.cores(), HTTP_WORKERS_PER_CORE * host.cores());
    }
}
