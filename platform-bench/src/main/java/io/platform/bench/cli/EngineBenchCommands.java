package io.platform.bench.cli;

import io.platform.bench.AggregationBench;
import io.platform.bench.BackendBench;
import io.platform.bench.BackpressureBench;
import io.platform.deploy.cli.NodeOptions;
import io.platform.deploy.node.NodeConfig;
import io.platform.deploy.node.PlatformNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The benchmarks of the Flink jobs: state backends, the aggregation job alone, a downstream slowdown. */
final class EngineBenchCommands {
    private EngineBenchCommands() {
    }

    @Command(name = "backends", mixinStandardHelpOptions = true, description = "The aggregation jobs on the heap (HashMap) and on the"
            + " RocksDB state backend under the same open-loop load, each on a fresh full node (order heap, RocksDB, RocksDB, heap):"
            + " GC pause count, p50/p99/max and ms paused per second, end_to_end and process p99, heap after.")
    static final class Backends extends LoadOptions implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            System.out.printf("bench backends: rate=%d/s warmup=%ds duration=%ds per run, 4 runs%n", rate, warmupSeconds, durationSeconds);
            new BackendBench(System.out).run(backend -> options.builder(true).set("flink.state.backend", backend).build(),
                    rate, warmupSeconds, durationSeconds);
            return 0;
        }
    }

    @Command(name = "flink", mixinStandardHelpOptions = true, description = "The windowed aggregation job alone at --rate, per state"
            + " backend:"
            + " a plain producer writes the sample events (with the gateway's headers) into a stream of an ingest-only node and the job"
            + " runs on a MiniCluster of its own; prints events processed/s, process-stage p50/p99/p999 and the backlog left.")
    static final class Flink extends LoadOptions implements Callable<Integer> {
        @Option(names = "--backends", split = ",", defaultValue = "rocksdb,hashmap", description = "state backends to run, in order"
                + " (default ${DEFAULT-VALUE})")
        List<String> backends;

        @Option(names = "--series", defaultValue = "1000", description = "distinct series (window keys) (default ${DEFAULT-VALUE})")
        int series;

        @Option(names = "--zipf", defaultValue = "0", description = "key skew: series drawn from a Zipf law with this exponent, e.g. 1.2"
                + " (0: every series in turn, the default)")
        double zipf;

        @Override
        public Integer call() throws Exception {
            for (String backend : backends) {
                if (!backend.equals("rocksdb") && !backend.equals("hashmap")) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--backends takes rocksdb and/or hashmap, got "
                            + backend);
                }
            }
            if (rate <= 0) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--rate must be above 0 for this bench (it measures"
                        + " latency at a fixed rate)");
            }
            if (zipf < 0 || series < 1) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--zipf must be 0 or more and --series at least 1, got"
                        + " --zipf " + zipf + " --series " + series);
            }
            options.overrides().put("node.role", "ingest");
            NodeConfig config = options.build(true);
            try (PlatformNode node = PlatformNode.start(config)) {
                System.out.printf("bench flink: rate=%d/s series=%d zipf=%.2f warmup=%ds duration=%ds backends=%s parallelism=%s"
                        + " pre-aggregate=%s%n", rate, series, zipf,
                        warmupSeconds, durationSeconds, backends, config.get("flink.parallelism"), config.get("aggregation.pre-aggregate"));
                new AggregationBench(node, System.out).run(backends, rate, series, zipf, warmupSeconds, durationSeconds,
                        options.builder(true));
            }
            return 0;
        }
    }

    @Command(name = "backpressure", mixinStandardHelpOptions = true, description = "A downstream slowdown in a Flink job reading Kafka:"
            + " in-job and end-to-end latency p50/p99/max before, during and after it, with Flink's flow control alone, the AIMD source"
            + " rate control, buffer debloating, and both; one run, an ingest-only node for the broker.")
    static final class Backpressure implements Callable<Integer> {
        @CommandLine.Mixin
        NodeOptions options;

        @Option(names = "--rate", defaultValue = "20000", description = "records per second written (default ${DEFAULT-VALUE})")
        int rate;

        @Option(names = "--slow-rate", defaultValue = "5000", description = "records per second the slow stage takes during the slowdown"
                + " (default ${DEFAULT-VALUE})")
        int slowRate;

        @Option(names = "--before", defaultValue = "10", description = "seconds before the slowdown (default ${DEFAULT-VALUE})")
        int before;

        @Option(names = "--slow", defaultValue = "20", description = "seconds of slowdown (default ${DEFAULT-VALUE})")
        int slow;

        @Option(names = "--after", defaultValue = "20", description = "seconds of load after it (default ${DEFAULT-VALUE})")
        int after;

        @Option(names = "--debloat-target", defaultValue = "100ms", description = "Flink's in-flight data target for the debloat modes"
                + " (default ${DEFAULT-VALUE})")
        String debloatTarget;

        @Override
        public Integer call() throws Exception {
            if (rate <= 0 || slowRate <= 0 || before < 1 || slow < 1 || after < 1) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--rate and --slow-rate must be above 0 and the phases at"
                        + " least 1 s");
            }
            Duration target = NodeConfig.parseDuration("--debloat-target", debloatTarget, "100ms");
            options.overrides().put("node.role", "ingest");
            try (PlatformNode node = PlatformNode.start(options.build(true))) {
                new BackpressureBench(node, System.out).run(rate, slowRate, before, slow, after, target);
            }
            return 0;
        }
    }
}
