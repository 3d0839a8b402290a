package io.platform.bench.cli;

import io.platform.bench.BatchingBench;
import io.platform.bench.GatewayFuzzer;
import io.platform.bench.IngestBench;
import io.platform.bench.ObservabilityBench;
import io.platform.bench.TlsBench;
import io.platform.deploy.cli.NodeOptions;
import io.platform.deploy.node.NodeConfig;
import io.platform.deploy.node.PlatformNode;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The benchmarks of ingest alone on an ingest-only node: paths, batching, TLS, fuzzing, observability cost. */
final class IngestBenchCommands {
    private IngestBenchCommands() {
    }

    /** A benchmark on an ingest-only node of its own (unless --set node.role=all), with warm-up and duration per run. */
    abstract static class IngestNodeBench implements Callable<Integer> {
        @CommandLine.Mixin
        NodeOptions options;

        @Option(names = "--duration", defaultValue = "15", description = "measured seconds per run (default ${DEFAULT-VALUE})")
        int durationSeconds;

        @Option(names = "--warmup", defaultValue = "5", description = "unmeasured seconds first, per run (default ${DEFAULT-VALUE})")
        int warmupSeconds;

        abstract String describe();

        abstract void run(PlatformNode node) throws Exception;

        @Override
        public Integer call() throws Exception {
            options.overrides().putIfAbsent("node.role", "ingest");
            NodeConfig config = options.build(true);
            try (PlatformNode node = PlatformNode.start(config)) {
                System.out.printf("%s (node.role=%s), warmup %ds + %ds measured per run%n", describe(), config.get("node.role"),
                        warmupSeconds, durationSeconds);
                run(node);
            }
            return 0;
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true, description = "A plain KafkaProducer and the gateway's TCP, Aeron and HTTP"
            + " paths on the same broker, saturating and then at --rate, in one run after an uncounted saturating warm-up of the first two"
            + " (so the JIT favours no path); prints events/s, ratio to the plain producer, ack and produce_ack p50/p99/p999. Ingest-only"
            + " node unless --set node.role=all.")
    static final class Ingest extends IngestNodeBench {
        @Option(names = "--rate", defaultValue = "50000", description = "the fixed rate of the second half, events/s (default"
                + " ${DEFAULT-VALUE})")
        int rate;

        @Override
        String describe() {
            return "bench ingest: saturating, then " + rate + " events/s";
        }

        @Override
        void run(PlatformNode node) throws Exception {
            new IngestBench(node, System.out).run(rate, warmupSeconds, durationSeconds);
        }
    }

    @Command(name = "batching", mixinStandardHelpOptions = true, description = "Fixed against adaptive (AIMD) batching of single events"
            + " into gateway batches, on a load that moves from a low to a high rate; prints events/s and ack p50/p99/p999 per phase and"
            + " setting.")
    static final class Batching extends IngestNodeBench {
        @Option(names = "--low-rate", defaultValue = "2000", description = "events/s of the first phase (default ${DEFAULT-VALUE})")
        int lowRate;

        @Option(names = "--high-rate", defaultValue = "1200000", description = "events/s of the second phase (default ${DEFAULT-VALUE})")
        int highRate;

        @Override
        String describe() {
            return "bench batching: " + lowRate + "/s then " + highRate + "/s";
        }

        @Override
        void run(PlatformNode node) throws Exception {
            new BatchingBench(node, System.out).run(lowRate, highRate, warmupSeconds, durationSeconds);
        }
    }

    @Command(name = "tls", mixinStandardHelpOptions = true, description = "TLS 1.3 at the gateway: full vs resumed handshakes on the TCP"
            + " and HTTPS listeners, then saturating ingest over mutual-TLS TCP vs plain TCP (two ingest-only nodes, one after the other).")
    static final class Tls implements Callable<Integer> {
        @CommandLine.Mixin
        NodeOptions options;

        @Option(names = "--handshakes", defaultValue = "300", description = "handshakes per row (default ${DEFAULT-VALUE})")
        int handshakes;

        @Option(names = "--duration", defaultValue = "15", description = "measured seconds of each ingest run (default ${DEFAULT-VALUE})")
        int durationSeconds;

        @Option(names = "--warmup", defaultValue = "5", description = "unmeasured seconds first (default ${DEFAULT-VALUE})")
        int warmupSeconds;

        @Override
        public Integer call() throws Exception {
            options.overrides().putIfAbsent("node.role", "ingest");
            new TlsBench(System.out, handshakes).run(options.builder(true), options.builder(true), warmupSeconds, durationSeconds);
            return 0;
        }
    }

    @Command(name = "fuzz", mixinStandardHelpOptions = true, description = "Seeded fuzzing of the gateway over HTTP and TCP: malformed"
            + " JSON, wrong types, truncated and random binary frames; checks every bad event is refused with a reason and dead-lettered"
            + " and every good one stored.")
    static final class Fuzz implements Callable<Integer> {
        @CommandLine.Mixin
        NodeOptions options;

        @Option(names = "--cases", defaultValue = "100000", description = "events to send (default ${DEFAULT-VALUE})")
        int cases;

        @Option(names = "--seed", description = "random seed (default: the time; printed to replay)")
        Long seed;

        @Override
        public Integer call() throws Exception {
            options.overrides().putIfAbsent("probe.enabled", "false");
            NodeConfig config = options.build(true);
            long s = seed != null ? seed : System.nanoTime();
            try (PlatformNode node = PlatformNode.start(config)) {
                System.out.printf("bench fuzz: %d cases, seed %d ...%n", cases, s);
                long start = System.nanoTime();
                GatewayFuzzer.Report report = new GatewayFuzzer(node).run(s, cases);
                System.out.printf("%s%n%s in %.1f s%n", report, report.clean() ? "CLEAN" : "PROBLEMS FOUND",
                        (System.nanoTime() - start) / 1e9);
                return report.clean() ? 0 : 1;
            }
        }
    }

    @Command(name = "observability", mixinStandardHelpOptions = true, description = "What tracing and per-stage metrics cost on one node"
            + " (ingest-only unless --set node.role=all): ON and OFF alternated every --slice-ms within one load at --rate (ack p99) and"
            + " one saturating load (throughput), each event counted for the mode it was sent in; prints the cost in percent with a 95%%"
            + " bootstrap interval. --phases N runs whole ON/OFF phases instead (the older method).")
    static final class Observability extends LoadOptions implements Callable<Integer> {
        @Option(names = "--sample-ratio", defaultValue = "0.01", description = "share of batches traced while ON (default"
                + " ${DEFAULT-VALUE})")
        double sampleRatio;

        @Option(names = "--phases", defaultValue = "0", description = "run whole ON/OFF phases instead of interleaving: an even number, in"
                + " the order ON OFF OFF ON ON OFF ..., each at --rate and then saturating, medians compared (0 = interleave, the default)")
        int phases;

        @Option(names = "--slice-ms", defaultValue = "500", description = "while interleaving, how long each ON or OFF slice lasts"
                + " (default ${DEFAULT-VALUE})")
        int sliceMs;

        @Option(names = "--collection-only", description = "only add up what metrics collection costs in CPU at --rate (recordings x cost"
                + " of one, ticker and sampler threads, scrapes), without the ON/OFF phases")
        boolean collectionOnly;

        @Override
        public Integer call() throws Exception {
            // the gateway's share by default: with storage and Flink consuming, saturating runs leave backlogs
            options.overrides().putIfAbsent("node.role", "ingest");
            NodeConfig config = options.build(true);
            try (PlatformNode node = PlatformNode.start(config)) {
                System.out.printf("bench observability (node.role=" + config.get("node.role") + "): %d/s, warmup %ds + %ds per"
                        + " measurement, trace ratio %.3f%n", rate, warmupSeconds, durationSeconds, sampleRatio);
                ObservabilityBench bench = new ObservabilityBench(node, System.out);
                if (collectionOnly) {
                    bench.collectionCost(rate, warmupSeconds, durationSeconds);
                } else if (phases == 0) {
                    if (sliceMs < 50 || durationSeconds * 1000L < 8L * sliceMs) {
                        throw new CommandLine.ParameterException(new CommandLine(this), "--slice-ms must be at least 50 and --duration at"
                                + " least 8 slices"
                                + " (one block of four ON and four OFF), got --slice-ms " + sliceMs + " --duration " + durationSeconds);
                    }
                    bench.runInterleaved(rate, warmupSeconds, durationSeconds, sampleRatio, sliceMs);
                } else {
                    if (phases < 2 || phases % 2 != 0) {
                        throw new CommandLine.ParameterException(new CommandLine(this), "--phases must be an even number of at least 2,"
                                + " got " + phases);
                    }
                    bench.run(rate, warmupSeconds, durationSeconds, sampleRatio, phases);
                }
            }
            return 0;
        }
    }
}
