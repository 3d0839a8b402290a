package io.platform.deploy.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Builds the Flink environment of the node: a MiniCluster in this JVM with RocksDB (or heap) state, periodic
 * checkpoints kept under the data directory, and restore from the newest completed checkpoint on start, so a restart
 * or crash resumes the aggregation where its last checkpoint left it.
 */
final class FlinkRuntime {
    private FlinkRuntime() {
    }

    static StreamExecutionEnvironment environment(NodeConfig config, Path flinkDir) throws IOException {
        Path checkpoints = flinkDir.resolve("checkpoints");
        Path tmp = flinkDir.resolve("tmp");
        Files.createDirectories(checkpoints);
        Files.createDirectories(tmp);
        Configuration conf = new Configuration();
        conf.setString("state.backend.type", config.get("flink.state.backend"));
        conf.setString("state.backend.rocksdb.localdir", flinkDir.resolve("rocksdb").toString());
        conf.setString("execution.checkpointing.interval", config.duration("flink.checkpoint.interval").toMillis() + " ms");
        conf.setString("execution.checkpointing.dir", checkpoints.toUri().toString());
        conf.setString("execution.checkpointing.incremental", "true");
        conf.setString("execution.checkpointing.num-retained", "2");
        conf.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "1000");
        conf.setString("restart-strategy.fixed-delay.delay", "2 s");
        conf.setString("io.tmp.dirs", tmp.toString());
        conf.setString("rest.port", "0");
        conf.setString("rest.bind-address", "127.0.0.1");
        conf.setString("taskmanager.numberOfTaskSlots", String.valueOf(config.integer("flink.parallelism")));
        conf.setString("parallelism.default", String.valueOf(config.integer("flink.parallelism")));
        latestCheckpoint(checkpoints).ifPresent(path -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, path.toUri().toString()));
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    /** The newest {@code chk-N} directory holding a {@code _metadata} file, over all earlier job runs. */
    static Optional<Path> latestCheckpoint(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.find(checkpoints, 3, (p, attrs) -> p.getFileName().toString().equals("_metadata")
                && p.getParent().getFileName().toString().startsWith("chk-"))) {
            return files.max(Comparator.comparingLong(FlinkRuntime::modifiedMs)).map(Path::getParent);
        }
    }

    private static long modifiedMs(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    static Optional<String> restoredFrom(Path flinkDir) throws IOException {
        return latestCheckpoint(flinkDir.resolve("checkpoints")).map(Path::toString);
    }
}
