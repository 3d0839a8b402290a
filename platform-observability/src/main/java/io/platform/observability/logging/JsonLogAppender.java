package io.platform.observability.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * Writes every event as a JSON line ({@link JsonLogLine}) to its class's hour file ({@link LogFiles}); a new hour
 * opens a new file and runs the retention sweep. Each line is flushed as written, so a crash loses at most the line
 * being written (the logs of a crash are the ones that matter). Logback serializes calls to {@link #append}.
 */
public final class JsonLogAppender extends AppenderBase<ILoggingEvent> {
    private final Path dir;
    private final LogRetention retention;
    private final Map<LogClass, Writer> open = new EnumMap<>(LogClass.class);
    private final Map<LogClass, Instant> openHour = new EnumMap<>(LogClass.class);
    private Instant lastSweepHour;

    public JsonLogAppender(Path dir, LogRetention retention) {
        this.dir = dir;
        this.retention = retention;
        setName("json-files");
    }

    public Path dir() {
        return dir;
    }

    @Override
    protected void append(ILoggingEvent event) {
        Instant time = Instant.ofEpochMilli(event.getTimeStamp());
        LogClass logClass = LogClass.of(event);
        try {
            Writer writer = writerFor(logClass, time);
            writer.write(JsonLogLine.format(event));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            addError("cannot write log file under " + dir + ": " + e.getMessage(), e);
        }
    }

    private Writer writerFor(LogClass logClass, Instant time) throws IOException {
        Instant hour = LogFiles.hourStart(time);
        Writer writer = open.get(logClass);
        if (writer != null && hour.equals(openHour.get(logClass))) {
            return writer;
        }
        if (writer != null) {
            writer.close();
        }
        Path file = LogFiles.fileFor(dir, logClass, time);
        Files.createDirectories(file.getParent());
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        open.put(logClass, writer);
        openHour.put(logClass, hour);
        if (!hour.equals(lastSweepHour)) {
            lastSweepHour = hour;
            retention.sweep(dir, time);
        }
        return writer;
    }

    @Override
    public void stop() {
        super.stop();
        for (Writer writer : open.values()) {
            try {
                writer.close();
            } catch (IOException e) {
                addError("closing a log file: " + e.getMessage(), e);
            }
        }
        open.clear();
    }
}
