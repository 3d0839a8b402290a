package io.platform.observability.logging;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Finds log lines by time range, class, trace id and text. The file layout does the coarse work: only the hour files
 * of the asked classes that overlap the range are opened; lines are then checked one by one. Hours are read in time
 * order, lines within an hour in the order written.
 */
public final class LogSearch {
    /** What to look for; null fields match everything. */
    public record Query(Instant from, Instant to, Set<LogClass> classes, String traceId, String text) {
        public Query {
            classes = classes == null || classes.isEmpty() ? EnumSet.allOf(LogClass.class) : EnumSet.copyOf(classes);
        }
    }

    /** What a search read, to show that the layout skipped what it could. */
    public record Stats(int filesOpened, int filesSkipped, long linesRead, long linesMatched) {
    }

    private LogSearch() {
    }

    public static Stats search(Path dir, Query query, Consumer<String> matches) throws IOException {
        List<Path> files = new ArrayList<>();
        int skipped = 0;
        for (LogClass logClass : query.classes()) {
            Path classDir = dir.resolve(logClass.key());
            if (!Files.isDirectory(classDir)) {
                continue;
            }
            try (Stream<Path> listing = Files.list(classDir)) {
                for (Path file : (Iterable<Path>) listing::iterator) {
                    Instant hour = LogFiles.hourOf(file);
                    if (hour == null) {
                        continue;
                    }
                    boolean overlaps = (query.to() == null || hour.isBefore(query.to()))
                            && (query.from() == null || hour.plus(Duration.ofHours(1)).isAfter(query.from()));
                    if (overlaps) {
                        files.add(file);
                    } else {
                        skipped++;
                    }
                }
            }
        }
        files.sort((a, b) -> a.getFileName().compareTo(b.getFileName()));
        String traceNeedle = query.traceId() == null ? null : "\"trace_id\":\"" + query.traceId() + "\"";
        long read = 0;
        long matched = 0;
        for (Path file : files) {
            try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = lines.readLine()) != null) {
                    read++;
                    if (traceNeedle != null && !line.contains(traceNeedle)) {
                        continue;
                    }
                    if (query.text() != null && !line.contains(query.text())) {
                        continue;
                    }
                    if (query.from() != null || query.to() != null) {
                        Instant ts = timestampOf(line);
                        if (ts == null || (query.from() != null && ts.isBefore(query.from()))
                                || (query.to() != null && !ts.isBefore(query.to()))) {
                            continue;
                        }
                    }
                    matched++;
                    matches.accept(line);
                }
            }
        }
        return new Stats(files.size(), skipped, read, matched);
    }

    /** The {@code ts} a {@link JsonLogLine} starts with, or null for a line that is not one. */
    static Instant timestampOf(String line) {
        String prefix = "{\"ts\":\"";
        int end = line.indexOf('"', prefix.length());
        if (!line.startsWith(prefix) || end < 0) {
            return null;
        }
        try {
            return Instant.parse(line.substring(prefix.length(), end));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
