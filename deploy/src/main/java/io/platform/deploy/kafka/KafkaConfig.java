package io.platform.deploy.kafka;

import io.platform.deploy.node.NodeConfig;
import io.platform.processing.aggregation.AggregationSettings;
import java.nio.file.Path;

/**
 * What the node's Kafka service needs: an external cluster's bootstrap servers, or where and on which port the
 * embedded broker runs; how new stream topics are laid out; the producer's linger.
 *
 * @param externalBootstrap  {@code kafka.bootstrap}, empty for the embedded broker
 * @param brokerDir          the embedded broker's log directory (under the data dir)
 * @param host               {@code bind.host}; loopback when {@code security.enabled} (no authenticated listener yet)
 * @param brokerPort         {@code kafka.port}
 * @param partitions         {@code stream.partitions} of each new ingest topic
 * @param replication        {@code stream.replication} of new topics
 * @param producerLingerMs   {@code producer.linger.ms} of the shared producer
 * @param aggregateView      the built-in aggregation's view name, from {@code aggregation.window}
 */
public record KafkaConfig(String externalBootstrap, Path brokerDir, String host, int brokerPort, int partitions,
                          short replication, int producerLingerMs, String aggregateView) {
    private static final String LOOPBACK = "127.0.0.1";

    /** Reads the keys above from a validated node config. */
    public static KafkaConfig from(NodeConfig config) {
        // the embedded broker has no authenticated listener yet: with security on it serves this machine only
        String host = config.bool("security.enabled") ? LOOPBACK : config.get("bind.host");
        return new KafkaConfig(config.get("kafka.bootstrap"), config.dataDir().resolve("kafka"), host,
                config.integer("kafka.port"), config.integer("stream.partitions"), (short) config.integer("stream.replication"),
                config.integer("producer.linger.ms"), AggregationSettings.viewName(config.duration("aggregation.window")));
    }

    /** True when the node runs its own broker. */
    public boolean embedded() {
        return externalBootstrap.isEmpty();
    }
}
