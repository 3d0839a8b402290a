package io.platform.bench.cli;

import io.platform.bench.EndToEndBench;
import io.platform.bench.KafkaComparisonBench;
import io.platform.deploy.demo.GatewayLoad;
import io.platform.deploy.node.NodeConfig;
import io.platform.deploy.node.PlatformNode;
import io.platform.ingest.schema.StreamTopics;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The benchmarks of the gateway path end to end: against a plain KafkaProducer (ABBA rounds), and by stream durability. */
final class GatewayBenchCommands {
    private GatewayBenchCommands() {
    }

    @Command(name = "e2e", mixinStandardHelpOptions = true, description = "Open-loop load through the gateway (binary TCP) to queryable"
            + " rows; prints throughput and p50/p99/p999/max per stage and end to end.")
    static final class E2e extends LoadOptions implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            NodeConfig config = options.build(true);
            try (PlatformNode node = PlatformNode.start(config)) {
                EndToEndBench bench = new EndToEndBench(node, System.out);
                System.out.printf("bench e2e: rate=%d/s warmup=%ds duration=%ds node=%s%n", rate, warmupSeconds, durationSeconds,
                        config.dataDir());
                GatewayLoad.Result result = bench.gateway(rate, warmupSeconds, durationSeconds, true);
                long stored = bench.awaitStored(result.acked(), 60_000);
                bench.report(result);
                System.out.println("stored rows: " + stored + " of " + result.acked() + " acknowledged");
                bench.reportStages();
            }
            return 0;
        }
    }

    @Command(name = "kafka", mixinStandardHelpOptions = true, description = "The same load through a plain KafkaProducer and through the"
            + " gateway, on the same broker and settings, in one run; prints the ratio. Runs an ingest-only node unless --set"
            + " node.role=all.")
    static final class Kafka extends LoadOptions implements Callable<Integer> {
        @Option(names = "--rounds", defaultValue = "1", description = "plain/gateway pairs, alternating which goes first (ABBA), the ratio"
                + " then being the median of the rounds': on a shared 2-core host one pair can be off by 20%% (default ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--warmup-rounds", defaultValue = "0", description = "plain/gateway pairs run first and not counted, so the JIT has"
                + " compiled both paths before the measured rounds (default ${DEFAULT-VALUE})")
        int warmupRounds;

        @Option(names = "--transport", defaultValue = "tcp", description = "the gateway path to compare: tcp (binary frames) or aeron"
                + " (the same frames over Aeron UDP) (default ${DEFAULT-VALUE})")
        String transport;

        @Option(names = "--plain-with-header", description = "the plain producer writes the records the gateway writes, the pt times header"
                + " included, so the ratio is of the gateway's own cost apart from its record format's")
        boolean plainWithHeader;

        @Override
        public Integer call() throws Exception {
            if (!transport.equals("tcp") && !transport.equals("aeron")) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--transport must be tcp or aeron, got " + transport);
            }
            if (rounds < 1) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--rounds must be at least 1, got " + rounds);
            }
            if (warmupRounds < 0) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--warmup-rounds must be 0 or more, got " + warmupRounds);
            }
            // without storage and Flink consuming, only the gateway's own cost differs between the two runs
            options.overrides().putIfAbsent("node.role", "ingest");
            NodeConfig config = options.build(true);
            try (PlatformNode node = PlatformNode.start(config)) {
                EndToEndBench bench = new EndToEndBench(node, System.out).plainWithTimesHeader(plainWithHeader);
                if (transport.equals("aeron")) {
                    if (node.aeronChannel() == null) {
                        throw new CommandLine.ParameterException(new CommandLine(this), "--transport aeron needs the gateway's"
                                + " Aeron channel; it is off (gateway.aeron.channel is empty)");
                    }
                    bench.viaAeron();
                }
                System.out.printf("bench kafka (node.role=" + config.get("node.role") + "): rate=%d/s warmup=%ds duration=%ds rounds=%d%n",
                        rate, warmupSeconds, durationSeconds, rounds);
                new KafkaComparisonBench(bench, System.out).run(rate, warmupSeconds, durationSeconds, warmupRounds, rounds);
            }
            return 0;
        }
    }

    @Command(name = "durability", mixinStandardHelpOptions = true, description = "The same open-loop load into an ASYNC stream (page"
            + " cache) and a SYNC stream (fsync before ack), one after the other; prints the ack latency of each.")
    static final class Durability extends LoadOptions implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            options.overrides().putIfAbsent("node.role", "ingest");
            NodeConfig config = options.build(true);
            try (PlatformNode node = PlatformNode.start(config)) {
                EndToEndBench bench = new EndToEndBench(node, System.out);
                System.out.printf("bench durability: rate=%d/s warmup=%ds duration=%ds, data dir %s%n", rate, warmupSeconds,
                        durationSeconds, config.dataDir());
                GatewayLoad.Result async = bench.gateway(rate, warmupSeconds, durationSeconds, "durable_async",
                        StreamTopics.Durability.ASYNC);
                GatewayLoad.Result sync = bench.gateway(rate, warmupSeconds, durationSeconds, "durable_sync",
                        StreamTopics.Durability.SYNC);
                bench.report(async);
                bench.report(sync);
                System.out.printf("%nsync/async ack p50 %.2f, p99 %.2f%n",
                        sync.ack().getValueAtPercentile(50) / (double) Math.max(1, async.ack().getValueAtPercentile(50)),
                        sync.ack().getValueAtPercentile(99) / (double) Math.max(1, async.ack().getValueAtPercentile(99)));
            }
            return 0;
        }
    }
}
