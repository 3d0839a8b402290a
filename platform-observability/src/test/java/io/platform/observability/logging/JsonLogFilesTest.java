package io.platform.observability.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON log lines with trace ids, one file per class and hour, retention per class, searches that skip hours. */
class JsonLogFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @TempDir
    Path dir;

    @Test
    void everyEventBecomesOneJsonLineInItsClassFileWithTheTraceItWasLoggedIn() throws Exception {
        JsonLogAppender appender = LogSetup.install(dir, new LogRetention(), Level.INFO);
        try {
            Logger log = LoggerFactory.getLogger("io.platform.test.Gateway");
            SpanContext context = SpanContext.create(TRACE, "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.getDefault());
            try (Scope ignored = Span.wrap(context).makeCurrent()) {
                log.warn("rejected \"bad\" event\nsecond line");
            }
            log.info("outside any trace");
            log.debug("below the file level: not written");
            AuditLog.record("schema.register", "sensors", "version=2");
        } finally {
            LogSetup.uninstall(appender);
        }
        Instant now = Instant.now();
        JsonNode warn = onlyLine(LogFiles.fileFor(dir, LogClass.WARN, now));
        assertEquals("WARN", warn.get("level").asText());
        assertEquals("rejected \"bad\" event\nsecond line", warn.get("msg").asText(), "quotes and newlines survive as JSON");
        assertEquals(TRACE, warn.get("trace_id").asText());
        assertEquals("00f067aa0ba902b7", warn.get("span_id").asText());
        JsonNode info = onlyLine(LogFiles.fileFor(dir, LogClass.INFO, now));
        assertFalse(info.has("trace_id"), "no span, no trace id");
        JsonNode audit = onlyLine(LogFiles.fileFor(dir, LogClass.AUDIT, now));
        assertEquals("action=schema.register subject=sensors detail=version=2", audit.get("msg").asText());
        assertFalse(Files.exists(LogFiles.fileFor(dir, LogClass.DEBUG, now)));
    }

    @Test
    void retentionDeletesEachClassAfterItsOwnPeriod() throws Exception {
        Instant now = Instant.parse("2026-11-24T12:30:00Z");
        Path oldDebug = write(LogClass.DEBUG, now.minus(Duration.ofDays(2)), "{}");
        Path recentDebug = write(LogClass.DEBUG, now.minus(Duration.ofHours(3)), "{}");
        Path oldInfo = write(LogClass.INFO, now.minus(Duration.ofDays(8)), "{}");
        Path monthOldAudit = write(LogClass.AUDIT, now.minus(Duration.ofDays(40)), "{}");
        Path foreign = Files.writeString(dir.resolve("debug").resolve("notes.txt"), "kept: not one of ours");

        int deleted = new LogRetention().keep(LogClass.DEBUG, Duration.ofDays(1)).sweep(dir, now);

        assertEquals(2, deleted);
        assertFalse(Files.exists(oldDebug), "debug kept 1 day");
        assertFalse(Files.exists(oldInfo), "info kept 7 days");
        assertTrue(Files.exists(recentDebug));
        assertTrue(Files.exists(monthOldAudit), "audit kept 365 days");
        assertTrue(Files.exists(foreign));
    }

    @Test
    void aSearchOpensOnlyTheHoursOfItsRangeAndFiltersByTraceAndText() throws Exception {
        Instant t = Instant.parse("2026-11-24T10:15:00Z");
        write(LogClass.INFO, t.minus(Duration.ofHours(5)), line(t.minus(Duration.ofHours(5)), "early", null));
        write(LogClass.INFO, t, line(t, "in range", TRACE) + "\n" + line(t.plusSeconds(60), "in range, other trace", "aaaa"));
        write(LogClass.WARN, t, line(t.plusSeconds(5), "warned in range", TRACE));
        write(LogClass.INFO, t.plus(Duration.ofHours(5)), line(t.plus(Duration.ofHours(5)), "late", TRACE));

        List<String> found = new ArrayList<>();
        LogSearch.Stats stats = LogSearch.search(dir, new LogSearch.Query(t.minus(Duration.ofMinutes(30)), t.plus(Duration.ofMinutes(30)),
                null, TRACE, null), found::add);
        assertEquals(2, found.size(), String.join("\n", found));
        assertTrue(found.get(0).contains("\"in range\"") || found.get(1).contains("\"in range\""));
        assertEquals(2, stats.filesOpened());
        assertEquals(2, stats.filesSkipped(), "the early and late hours are never opened");

        found.clear();
        LogSearch.search(dir, new LogSearch.Query(null, null, Set.of(LogClass.WARN), null, "warned"), found::add);
        assertEquals(1, found.size());
    }

    private Path write(LogClass logClass, Instant hour, String content) throws Exception {
        Path file = LogFiles.fileFor(dir, logClass, hour);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content + "\n");
    }

    private static String line(Instant ts, String msg, String trace) {
        return "{\"ts\":\"" + ts + "\",\"level\":\"INFO\",\"msg\":\"" + msg + "\"" + (trace == null ? "" : ",\"trace_id\":\"" + trace + "\"") + "}";
    }

    private static JsonNode onlyLine(Path file) throws Exception {
        assertTrue(Files.exists(file), file + " exists");
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size(), String.join("\n", lines));
        JsonNode node = JSON.readTree(lines.get(0));
        assertNotNull(node.get("ts"));
        return node;
    }
}
