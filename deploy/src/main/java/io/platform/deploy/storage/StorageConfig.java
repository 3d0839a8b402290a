package io.platform.deploy.storage;

import io.platform.deploy.node.ConfigException;
import io.platform.deploy.node.NodeConfig;
import io.platform.storage.StorageOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The storage service's settings, read from the {@code storage.*} keys of a validated node config.
 *
 * @param dataDir          the node's data directory: RocksDB under {@code storage/}, segments under {@code segments/}
 * @param options          the warm tier's RocksDB options
 * @param hotBytes         {@code storage.hot.memory}
 * @param coldDirs         {@code storage.cold.dirs}, empty for no cold tier
 * @param coldShards       {@code storage.cold.shards} as {data, parity}
 * @param coldCacheBytes   {@code storage.cold.cache}
 * @param bulkStreams      {@code storage.bulk-streams}: stream to bytes per second
 * @param sealAfter        {@code storage.seal.after}, null when sealing is off
 * @param sealPartition    {@code storage.seal.partition}
 * @param sealCheck        {@code storage.seal.check}
 * @param coldAfter        {@code storage.cold.after}
 * @param coldAfterStream  {@code storage.cold.after-per-stream} in ms
 * @param coldIdle         {@code storage.cold.idle}
 */
public record StorageConfig(Path dataDir, StorageOptions options, long hotBytes, List<Path> coldDirs, int[] coldShards,
                            long coldCacheBytes, Map<String, Long> bulkStreams, Duration sealAfter, Duration sealPartition,
                            Duration sealCheck, Duration coldAfter, Map<String, Long> coldAfterStream, Duration coldIdle) {

    /** Reads the {@code storage.*} keys; a malformed {@code storage.bulk-streams} names the pair and the form. */
    public static StorageConfig from(NodeConfig config) {
        StorageOptions options = new StorageOptions(config.bool("storage.sync"), config.bytes("storage.write-buffer"),
                config.bytes("storage.block-cache"),
                StorageOptions.Compaction.valueOf(config.get("storage.rows.compaction").toUpperCase(Locale.ROOT)));
        boolean sealing = !config.get("storage.seal.after").equals("off");
        return new StorageConfig(config.dataDir(), options, config.bytes("storage.hot.memory"), config.coldDirs(),
                config.coldShards(), config.bytes("storage.cold.cache"), bulkStreams(config.get("storage.bulk-streams")),
                sealing ? config.duration("storage.seal.after") : null, config.duration("storage.seal.partition"),
                config.duration("storage.seal.check"), config.duration("storage.cold.after"), config.coldAfterByStream(),
                config.duration("storage.cold.idle"));
    }

    /** {@code storage.bulk-streams} as stream to bytes per second. */
    static Map<String, Long> bulkStreams(String value) {
        Map<String, Long> streams = new TreeMap<>();
        if (value.isBlank()) {
            return streams;
        }
        for (String pair : value.trim().split(",")) {
            String[] parts = pair.trim().split(":");
            if (parts.length != 2 || !parts[0].matches("[A-Za-z0-9_\\-]+") || !parts[1].matches("\\d+")
                    || Long.parseLong(parts[1]) == 0) {
                throw new ConfigException("storage.bulk-streams=" + value.trim() + ": '" + pair.trim()
                        + "' is not stream:MiB/s, e.g. storage.bulk-streams=history:16");
            }
            streams.put(parts[0], Long.parseLong(parts[1]) << 20);
        }
        return streams;
    }

    /** True when sealed partitions move to an erasure-coded cold tier. */
    public boolean coldTier() {
        return !coldDirs.isEmpty();
    }
}
