package io.platform.deploy.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code platform bench}'s entry in the product CLI. The benchmarks (and their peers DuckDB and QuestDB) ship in
 * platform-bench.jar, not in the product; bin/platform runs that jar when its first argument is {@code bench}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks on a node of their own"
        + " (temporary data dir, free ports), in platform-bench.jar: 'bin/platform bench --help' lists them.")
public final class BenchCommand implements Callable<Integer> {
    @Unmatched
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
        System.err.println("bench: the benchmarks ship in platform-bench/target/platform-bench.jar, not in platform.jar;"
                + " run them with 'bin/platform bench " + String.join(" ", arguments) + "' (it builds the jar when needed)");
        return 2;
    }
}
