package io.platform.observability.logging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How long each log class is kept, and the sweep that enforces it: an hour file is deleted once its whole hour is
 * older than its class's retention. Defaults: debug 1 day, info 7 days, warn 30 days, audit 365 days.
 */
public final class LogRetention {
    private final Map<LogClass, Duration> keep = new EnumMap<>(LogClass.class);

    public LogRetention() {
        keep.put(LogClass.DEBUG, Duration.ofDays(1));
        keep.put(LogClass.INFO, Duration.ofDays(7));
        keep.put(LogClass.WARN, Duration.ofDays(30));
        keep.put(LogClass.AUDIT, Duration.ofDays(365));
    }

    public LogRetention keep(LogClass logClass, Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("log retention of " + logClass.key() + " must be positive, got " + duration);
        }
        keep.put(logClass, duration);
        return this;
    }

    public Duration keep(LogClass logClass) {
        return keep.get(logClass);
    }

    /** Deletes every hour file past its class's retention at {@code now}; returns how many were deleted. */
    public int sweep(Path dir, Instant now) throws IOException {
        int deleted = 0;
        for (LogClass logClass : LogClass.values()) {
            Path classDir = dir.resolve(logClass.key());
            if (!Files.isDirectory(classDir)) {
                continue;
            }
            Instant oldestKept = now.minus(keep.get(logClass));
            try (Stream<Path> files = Files.list(classDir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Instant hour = LogFiles.hourOf(file);
                    if (hour != null && hour.plus(Duration.ofHours(1)).isBefore(oldestKept)) {
                        Files.deleteIfExists(file);
                        deleted++;
                    }
                }
            }
        }
        return deleted;
    }
}
