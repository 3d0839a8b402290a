package io.platform.observability.logging;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The layout of the log directory, which is its index: {@code <dir>/<class>/<yyyy-MM-ddTHH>.jsonl}, one file per
 * class and UTC hour. A file's name says which hour it covers, so retention and searches by time decide per file
 * without opening it.
 */
public final class LogFiles {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);
    static final String SUFFIX = ".jsonl";

    private LogFiles() {
    }

    /** The file an event at {@code time} of class {@code logClass} goes to. */
    public static Path fileFor(Path dir, LogClass logClass, Instant time) {
        return dir.resolve(logClass.key()).resolve(HOUR.format(time) + SUFFIX);
    }

    /** The start of the hour a log file covers, or null when the name is not one of ours. */
    public static Instant hourOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX)) {
            return null;
        }
        try {
            return LocalDateTime.parse(name.substring(0, name.length() - SUFFIX.length()) + ":00",
                    DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm")).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The start of the hour {@code time} falls in. */
    static Instant hourStart(Instant time) {
        return time.truncatedTo(ChronoUnit.HOURS);
    }
}
