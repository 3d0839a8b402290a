package io.platform.bench;

import io.platform.security.access.AccessPolicy;
import io.platform.security.access.Action;
import io.platform.security.access.Authorizer;
import io.platform.security.access.Binding;
import io.platform.security.access.Role;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * The cost of an authorization check, cached (a principal asking again for what it asked before) and uncached (a
 * stream it never asked for, so the policy is consulted), on policies of 10,000 bindings in two shapes: spread over
 * 1,000 principals (10 each), and all on one principal, half of them prefixes, like the prefixed ACLs of Kafka's
 * AuthorizerBenchmark. One thread; each check timed alone with System.nanoTime (its ~20 ns are included).
 */
public final class AccessBench {
    private static final int BINDINGS = 10_000;
    private static final int WARMUP_CHECKS = 200_000;

    private final PrintStream out;
    private final int checks;

    public AccessBench(PrintStream out, int checks) {
        this.out = out;
        this.checks = checks;
    }

    public void run() {
        out.printf("%-40s %10s %8s %8s %8s %8s%n", "policy (10,000 bindings)", "checks", "p50 ns", "p99 ns", "p999 ns", "max ns");
        List<Binding> spread = new ArrayList<>();
        for (int p = 0; p < BINDINGS / 10; p++) {
            for (int s = 0; s < 10; s++) {
                spread.add(new Binding("client-" + p, s % 2 == 0 ? Role.WRITER : Role.READER, List.of("stream-" + p + "-" + s)));
            }
        }
        List<Binding> onePrincipal = new ArrayList<>();
        for (int s = 0; s < BINDINGS; s++) {
            onePrincipal.add(new Binding("client-0", Role.READER, List.of(s % 2 == 0 ? "stream-0-" + s : "prefix-" + s + ".*")));
        }
        measure("spread, 1,000 principals", AccessPolicy.of(spread));
        measure("one principal, half prefixes", AccessPolicy.of(onePrincipal));
    }

    private void measure(String shape, AccessPolicy policy) {
        Random random = new Random(42);
        String[] unseen = new String[checks + WARMUP_CHECKS];
        for (int i = 0; i < unseen.length; i++) {
            // a stream the principal never asked for: half granted by a prefix binding, half not granted at all
            unseen[i] = i % 2 == 0 ? "prefix-" + (2 * random.nextInt(BINDINGS / 2) + 1) + ".x" + i : "stream-0-x" + i;
        }
        Authorizer authorizer = Authorizer.of(policy);
        Histogram cached = new Histogram(3);
        Histogram uncached = new Histogram(3);
        boolean sink = false;
        for (int i = 0; i < WARMUP_CHECKS; i++) {
            sink ^= authorizer.allows("client-0", Action.QUERY, "stream-0-" + (i % 10));
            sink ^= authorizer.allows("client-0", Action.QUERY, unseen[checks + i]);
        }
        String[] asked = new String[10];
        for (int s = 0; s < asked.length; s++) {
            asked[s] = "stream-0-" + s;
        }
        for (int i = 0; i < checks; i++) {
            String stream = asked[i % asked.length];
            long start = System.nanoTime();
            sink ^= authorizer.allows("client-0", Action.QUERY, stream);
            cached.recordValue(System.nanoTime() - start);
        }
        for (int i = 0; i < checks; i++) {
            String stream = unseen[i];
            long start = System.nanoTime();
            sink ^= authorizer.allows("client-0", Action.QUERY, stream);
            uncached.recordValue(System.nanoTime() - start);
        }
        print(shape + ", cached", cached);
        print(shape + ", uncached", uncached);
        if (sink) {
            out.print("");
        }
    }

    private void print(String row, Histogram histogram) {
        out.printf("%-40s %10d %8d %8d %8d %8d%n", row, histogram.getTotalCount(), histogram.getValueAtPercentile(50),
                histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9), histogram.getMaxValue());
    }
}
