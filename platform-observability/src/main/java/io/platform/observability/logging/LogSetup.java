package io.platform.observability.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.LoggerFactory;

/**
 * Adds the JSON log files to a running process's logging, next to the console that {@code logback.xml} sets up.
 * {@code fileLevel} DEBUG also lowers the root level so debug events are produced at all; that costs CPU in Kafka's
 * and Flink's chattier loggers, so it is for investigations, not the default.
 */
public final class LogSetup {
    private LogSetup() {
    }

    /**
     * @return the appender, or null when slf4j is not bound to logback (e.g. inside another application): then the
     *     host application's logging applies and nothing is written here
     */
    public static JsonLogAppender install(Path dir, LogRetention retention, Level fileLevel) throws IOException {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            LoggerFactory.getLogger(LogSetup.class).warn("slf4j is not bound to logback: no JSON log files under {}", dir);
            return null;
        }
        Files.createDirectories(dir);
        // qualified: Logger is imported as logback's
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender("json-files") instanceof JsonLogAppender previous) {
            uninstall(previous);
        }
        JsonLogAppender appender = new JsonLogAppender(dir, retention);
        appender.setContext(context);
        ch.qos.logback.classic.filter.ThresholdFilter threshold = new ch.qos.logback.classic.filter.ThresholdFilter();
        threshold.setLevel(fileLevel.toString());
        threshold.start();
        appender.addFilter(threshold);
        appender.start();
        root.addAppender(appender);
        if (fileLevel.toInt() < root.getLevel().toInt()) {
            root.setLevel(fileLevel);
        }
        // the audit logger logs at INFO whatever the root level
        context.getLogger(AuditLog.LOGGER).setLevel(Level.INFO);
        retention.sweep(dir, Instant.now());
        return appender;
    }

    /**
     * Removes {@code appender} again if it is still the installed one, closing its files: a node stopping inside a
     * longer-lived JVM (tests) leaves a later node's files alone.
     */
    public static void uninstall(JsonLogAppender appender) {
        if (appender != null && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            // qualified: Logger is imported as logback's
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            if (root.getAppender("json-files") == appender) {
                root.detachAppender(appender);
            }
            appender.stop();
        }
    }
}
