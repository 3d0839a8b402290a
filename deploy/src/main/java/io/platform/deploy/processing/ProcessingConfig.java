package io.platform.deploy.processing;

import io.platform.deploy.node.NodeConfig;
import io.platform.processing.aggregation.AggregationSettings;
import io.platform.processing.sources.AimdRate;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The processing service's settings, from the {@code flink.*} and {@code aggregation.*} keys of a validated node
 * config. {@code -1} and {@code null} stand for {@code auto} and {@code off} where a key allows them.
 *
 * @param flinkDir                 checkpoints, savepoints, submitted jobs and Flink's temporary files
 * @param rocksDbPerSlotBytes      {@code flink.rocksdb.memory-per-slot}, -1 for auto (from the host's memory)
 * @param stateBackend             {@code flink.state.backend}: rocksdb, hashmap or auto
 * @param debloatTarget            {@code flink.network.debloat-target}, null when off
 * @param jobManager               {@code flink.jobmanager}, empty for the node's MiniCluster
 * @param rocksDbTimers            {@code flink.rocksdb.timers}: rocksdb or heap
 * @param checkpointInterval       {@code flink.checkpoint.interval}
 * @param unalignedCheckpoints     {@code flink.checkpoint.unaligned}
 * @param parallelism              {@code flink.parallelism}
 * @param checkpointRpo            {@code flink.checkpoint.rpo}, null when the interval applies
 * @param checkpointStateBytes     {@code flink.checkpoint.state-size}
 * @param checkpointWriteBandwidth {@code flink.checkpoint.write-bandwidth} in bytes/s, -1 for auto (measured)
 * @param window                   {@code aggregation.window}
 * @param outOfOrderness           {@code aggregation.out-of-orderness}
 * @param idleness                 {@code aggregation.idleness}
 * @param preAggregate             {@code aggregation.pre-aggregate}
 * @param salting                  {@code aggregation.salting}
 * @param rateControl              {@code flink.source.rate-control}
 */
public record ProcessingConfig(Path flinkDir, long rocksDbPerSlotBytes, String stateBackend, Duration debloatTarget, String jobManager,
                               String rocksDbTimers, Duration checkpointInterval, boolean unalignedCheckpoints, int parallelism,
                               Duration checkpointRpo, long checkpointStateBytes, long checkpointWriteBandwidth, Duration window,
                               Duration outOfOrderness, Duration idleness, boolean preAggregate, boolean salting,
                               AimdRate.Settings rateControl) {
    private static final String AUTO = "auto";
    private static final String OFF = "off";

    /** Reads the keys above from a validated node config. */
    public static ProcessingConfig from(NodeConfig config) {
        return new ProcessingConfig(config.dataDir().resolve("flink"),
                config.get("flink.rocksdb.memory-per-slot").equals(AUTO) ? -1 : config.bytes("flink.rocksdb.memory-per-slot"),
                config.get("flink.state.backend"),
                config.get("flink.network.debloat-target").equals(OFF) ? null : config.duration("flink.network.debloat-target"),
                config.get("flink.jobmanager"), config.get("flink.rocksdb.timers"), config.duration("flink.checkpoint.interval"),
                config.bool("flink.checkpoint.unaligned"), config.integer("flink.parallelism"),
                config.get("flink.checkpoint.rpo").isEmpty() ? null : config.duration("flink.checkpoint.rpo"),
                config.bytes("flink.checkpoint.state-size"),
                config.get("flink.checkpoint.write-bandwidth").equals(AUTO) ? -1 : config.bytes("flink.checkpoint.write-bandwidth"),
                config.duration("aggregation.window"), config.duration("aggregation.out-of-orderness"),
                config.duration("aggregation.idleness"), config.bool("aggregation.pre-aggregate"), config.bool("aggregation.salting"),
                config.sourceRateControl());
    }

    /** The same settings with Flink's files under {@code dir} (a benchmark's scratch directory). */
    public ProcessingConfig withFlinkDir(Path dir) {
        return new ProcessingConfig(dir, rocksDbPerSlotBytes, stateBackend, debloatTarget, jobManager, rocksDbTimers, checkpointInterval,
                unalignedCheckpoints, parallelism, checkpointRpo, checkpointStateBytes, checkpointWriteBandwidth, window, outOfOrderness,
                idleness, preAggregate, salting, rateControl);
    }

    /** The aggregation jobs' settings, reading and writing over {@code bootstrapServers}. */
    public AggregationSettings aggregation(String bootstrapServers) {
        return new AggregationSettings(bootstrapServers, window, AggregationSettings.viewName(window), outOfOrderness, idleness,
                preAggregate, salting, rateControl);
    }
}
