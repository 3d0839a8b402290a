package io.platform.observability.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.Locale;

/** What a log event is kept as: its own directory and retention. */
public enum LogClass {
    /** DEBUG and TRACE: detail for a live investigation; kept hours. */
    DEBUG,
    /** INFO: what the node did. */
    INFO,
    /** WARN and ERROR: what went wrong. */
    WARN,
    /** Who changed what (schemas, jobs, replays, access refused), from the {@value AuditLog#LOGGER} logger; kept longest. */
    AUDIT;

    /** The class of one event: the audit logger wins over the level. */
    public static LogClass of(ILoggingEvent event) {
        if (event.getLoggerName().equals(AuditLog.LOGGER)) {
            return AUDIT;
        }
        int level = event.getLevel().toInt();
        if (level <= Level.DEBUG_INT) {
            return DEBUG;
        }
        return level >= Level.WARN_INT ? WARN : INFO;
    }

    /** The directory name and config key suffix, e.g. {@code audit}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code debug|info|warn|audit}, naming the choices when it is none of them. */
    public static LogClass parse(String text) {
        for (LogClass c : values()) {
            if (c.key().equalsIgnoreCase(text.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown log class '" + text + "': use debug, info, warn or audit");
    }
}
