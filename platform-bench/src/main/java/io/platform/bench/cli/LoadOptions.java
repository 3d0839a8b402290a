package io.platform.bench.cli;

import io.platform.deploy.cli.NodeOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options of the benchmarks that drive open-loop load at a rate on a node of their own. */
abstract class LoadOptions {
    @CommandLine.Mixin
    NodeOptions options;

    @Option(names = "--rate", defaultValue = "20000", description = "events per second, open loop; 0 = as fast as acks allow (default"
            + " ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--duration", defaultValue = "60", description = "measured seconds (default ${DEFAULT-VALUE})")
    int durationSeconds;

    @Option(names = "--warmup", defaultValue = "10", description = "unmeasured seconds first (default ${DEFAULT-VALUE})")
    int warmupSeconds;
}
