package io.platform.bench.cli;

import io.platform.bench.AccessBench;
import io.platform.bench.SerializationBench;
import io.platform.bench.TransportBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The benchmarks of the wire without a node: decoding events, transport round trips. */
final class WireBenchCommands {
    private WireBenchCommands() {
    }

    @Command(name = "serialization", mixinStandardHelpOptions = true, description = "Decoding wire-format events with the"
            + " platform's caching (reader per schema id, reused decoder) against a reader per event and a schema parsed per event;"
            + " events/s and per-event p50/p99/p999 ns, one thread, no node.")
    static final class Serialization implements Callable<Integer> {
        @Option(names = "--seconds", defaultValue = "5", description = "measured seconds per mode (default ${DEFAULT-VALUE})")
        int seconds;

        @Override
        public Integer call() throws Exception {
            new SerializationBench(System.out).run(seconds);
            return 0;
        }
    }

    @Command(name = "transport", mixinStandardHelpOptions = true, description = "Ping-pong RTT of 32 B and 1 KiB messages: raw socket TCP,"
            + " Netty TCP, Aeron IPC and UDP, each raw and through the platform's frame API.")
    static final class Transport implements Callable<Integer> {
        @Option(names = "--iterations", defaultValue = "20000", description = "measured round trips per row (default ${DEFAULT-VALUE})")
        int iterations;

        @Option(names = "--warmup", defaultValue = "5000", description = "unmeasured round trips first (default ${DEFAULT-VALUE})")
        int warmup;

        @Option(names = "--idle", defaultValue = "backoff", description = "Aeron idle strategy of the pollers and of the shared media"
                + " driver: backoff, yielding, busy-spin (default ${DEFAULT-VALUE})")
        String idle;

        @Option(names = "--isolated", defaultValue = "0", description = "instead: only the Aeron rows, raw against the API, each run in a"
                + " JVM of its own with its own media driver"
                + " (asleep for IPC runs, which do not pass through it, as a node's aeron.driver.idle-strategy=auto), this many rounds per"
                + " side (ABBA), pooled (default off)")
        int isolatedRounds;

        @Override
        public Integer call() throws Exception {
            var bench = new TransportBench(System.out, warmup, iterations);
            if (isolatedRounds > 0) {
                bench.runIsolated(idle, isolatedRounds);
            } else {
                bench.run(idle);
            }
            return 0;
        }
    }

    @Command(name = "access", mixinStandardHelpOptions = true, description = "Authorization checks on policies of 10,000 bindings, cached"
            + " and uncached: p50/p99/p999 ns per check, one thread, no node.")
    static final class Access implements Callable<Integer> {
        @Option(names = "--checks", defaultValue = "1000000", description = "measured checks per row (default ${DEFAULT-VALUE})")
        int checks;

        @Override
        public Integer call() {
            new AccessBench(System.out, checks).run();
            return 0;
        }
    }
}
