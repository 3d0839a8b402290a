package io.platform.bench.cli;

import io.platform.deploy.cli.CliErrors;
import io.platform.deploy.cli.CommandGroup;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code platform bench}: the root of platform-bench.jar's commands, which bin/platform runs when its first argument is
 * {@code bench}. Each benchmark runs on a node of its own or on none, and the JVM ends with it.
 */
@Command(name = "platform bench", mixinStandardHelpOptions = true, version = "platform 0.1.0",
        description = "Benchmarks on a node of their own (temporary data dir, free ports).",
        subcommands = {GatewayBenchCommands.E2e.class, GatewayBenchCommands.Kafka.class, EngineBenchCommands.Backends.class,
                EngineBenchCommands.Flink.class, StorageBenchCommands.Query.class, StorageBenchCommands.Segments.class,
                WireBenchCommands.Serialization.class, IngestBenchCommands.Ingest.class, IngestBenchCommands.Batching.class,
                IngestBenchCommands.Tls.class, StorageBenchCommands.Storage.class, StorageBenchCommands.Qos.class,
                IngestBenchCommands.Observability.class, WireBenchCommands.Transport.class, GatewayBenchCommands.Durability.class,
                IngestBenchCommands.Fuzz.class, EngineBenchCommands.Backpressure.class, WireBenchCommands.Access.class})
public final class BenchCli extends CommandGroup {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The bench commands with the product CLI's error handling ({@link CliErrors}). */
    static CommandLine commandLine() {
        return new CommandLine(new BenchCli()).setExecutionExceptionHandler(new CliErrors());
    }
}
