package io.platform.deploy.cli;

import io.platform.deploy.demo.ScratchDir;
import io.platform.deploy.node.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by commands that start a node (a picocli mixin; platform-bench's commands use it too). Not thread-safe. */
public final class NodeOptions {
    @Option(names = "--data-dir", description = "data directory (default: ./data, or a temporary one for demo/bench)")
    Path dataDir;

    @Option(names = "--config", description = "properties file with node settings (see 'platform config')")
    Path config;

    @Option(names = "--set", description = "override one setting, key=value (repeatable)")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** The --set overrides, live: a command may add its own defaults (e.g. node.role=ingest) before building. */
    public Map<String, String> overrides() {
        return overrides;
    }

    /** The node's settings; see {@link #builder(boolean)}. */
    public NodeConfig build(boolean temporary) throws IOException {
        return builder(temporary).build();
    }

    /** The settings so far; with {@code temporary} and no --data-dir, a fresh temporary data dir and free ports each call. */
    public NodeConfig.Builder builder(boolean temporary) throws IOException {
        NodeConfig.Builder builder = NodeConfig.builder();
        if (config != null) {
            builder.file(config);
        }
        overrides.forEach(builder::set);
        if (dataDir != null) {
            builder.dataDir(dataDir);
        } else if (temporary) {
            Path temporaryDir = Files.createTempDirectory("platform-");
            // a bench or demo node writes a GiB or more of Kafka logs and RocksDB files: gone when the command ends
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    new ScratchDir(temporaryDir).close();
                } catch (IOException e) {
                    System.err.println("could not remove temporary data dir " + temporaryDir + ": " + e.getMessage());
                }
            }, "remove-temporary-data-dir"));
            builder.dataDir(temporaryDir);
            builder.ephemeralPorts();
            overrides.forEach(builder::set);
        }
        return builder;
    }
}
