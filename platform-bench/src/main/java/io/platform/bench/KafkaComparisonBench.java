package io.platform.bench;

import io.platform.deploy.demo.GatewayLoad.Result;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code platform bench kafka}'s rounds: plain producer and gateway alternately first (ABBA), after uncounted warm-up
 * rounds, the ratios being the median of the rounds' (one pair on a shared 2-core host can be off by 20%). One run at a time.
 */
public final class KafkaComparisonBench {
    private final EndToEndBench bench;
    private final PrintStream out;

    public KafkaComparisonBench(EndToEndBench bench, PrintStream out) {
        this.bench = bench;
        this.out = out;
    }

    /** Runs {@code warmupRounds} uncounted pairs, then {@code rounds} measured ones, and prints each ratio and their medians. */
    public void run(int rate, int warmupSeconds, int durationSeconds, int warmupRounds, int rounds) throws Exception {
        for (int round = 0; round < warmupRounds; round++) {
            out.printf("warm-up round %d of %d (not counted)%n", round + 1, warmupRounds);
            bench.plainProducer(rate, warmupSeconds, durationSeconds, false);
            bench.gateway(rate, warmupSeconds, durationSeconds, false);
        }
        double[] ratios = new double[rounds];
        double[] cpuRatios = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            boolean plainFirst = round % 2 == 0;
            Result plain = plainFirst ? bench.plainProducer(rate, warmupSeconds, durationSeconds, true) : null;
            Result gateway = bench.gateway(rate, warmupSeconds, durationSeconds, true);
            if (!plainFirst) {
                plain = bench.plainProducer(rate, warmupSeconds, durationSeconds, true);
            }
            bench.report(plain);
            bench.report(gateway);
            ratios[round] = gateway.eventsPerSecond() / plain.eventsPerSecond();
            // throughput per CPU: plain's CPU per event over the gateway's, 1.0 when the gateway path costs no more
            cpuRatios[round] = plain.cpuMicrosPerEvent() / gateway.cpuMicrosPerEvent();
            out.printf("%nround %d of %d (%s first): gateway/plain throughput ratio: %.3f   per-CPU ratio: %.3f   ack p99"
                    + " ratio (gateway/plain): %.3f%n",
                    round + 1, rounds, plainFirst ? "plain" : "gateway", ratios[round], cpuRatios[round],
                    gateway.ack().getValueAtPercentile(99) / (double) Math.max(1, plain.ack().getValueAtPercentile(99)));
        }
        out.printf("gateway/plain throughput ratio, median of %d round(s): %s%n", rounds, medianWithRange(ratios));
        out.printf("gateway/plain throughput per CPU (plain's CPU per event / the gateway's), median: %s%n",
                medianWithRange(cpuRatios));
    }

    private static String medianWithRange(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format("%.3f (min %.3f, max %.3f)", sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
    }
}
