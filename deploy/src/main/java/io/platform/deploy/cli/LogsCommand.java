package io.platform.deploy.cli;

import io.platform.observability.logging.LogClass;
import io.platform.observability.logging.LogSearch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code platform logs}: searches a node's JSON log files, with the node up or down. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Search a node's JSON log files (works with the node down):"
        + " by time, class (debug, info, warn, audit), trace id and text; prints matching lines, oldest first.")
public final class LogsCommand implements Callable<Integer> {
    @Option(names = "--log-dir", defaultValue = "./data/logs", description = "the node's log.dir (default ${DEFAULT-VALUE})")
    Path logDir;

    @Option(names = "--last", description = "only the last N seconds")
    Long last;

    @Option(names = "--from", description = "start: ISO-8601 (2026-11-24T18:00:00Z) or epoch ms")
    String from;

    @Option(names = "--to", description = "end (exclusive): ISO-8601 or epoch ms")
    String to;

    @Option(names = "--class", split = ",", description = "log classes to read: debug, info, warn, audit (default all)")
    List<String> classes = new ArrayList<>();

    @Option(names = "--trace", description = "only lines logged inside this trace (32 hex digits, as in traceparent)")
    String traceId;

    @Option(names = "--grep", description = "only lines containing this text")
    String text;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(logDir)) {
            System.err.println("no log directory " + logDir.toAbsolutePath() + ": pass the node's log.dir with --log-dir (default"
                    + " <data.dir>/logs)");
            return 1;
        }
        Instant start = last != null ? Instant.now().minusSeconds(last) : instant("--from", from);
        Set<LogClass> wanted = EnumSet.noneOf(LogClass.class);
        for (String c : classes) {
            wanted.add(LogClass.parse(c));
        }
        LogSearch.Stats stats = LogSearch.search(logDir,
                new LogSearch.Query(start, instant("--to", to), wanted, traceId, text), System.out::println);
        System.err.printf("%d matching lines; read %d lines in %d hour files, skipped %d hour files outside the range%n",
                stats.linesMatched(), stats.linesRead(), stats.filesOpened(), stats.filesSkipped());
        return 0;
    }

    private static Instant instant(String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            return value.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(value)) : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " " + value + " is not a time: use ISO-8601 like 2026-11-24T18:00:00Z or epoch"
                    + " milliseconds");
        }
    }
}
