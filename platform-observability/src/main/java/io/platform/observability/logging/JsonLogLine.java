package io.platform.observability.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * One log event as one line of JSON: {@code ts}, {@code level}, {@code class}, {@code logger}, {@code thread},
 * {@code msg}, then {@code trace_id} and {@code span_id} when the event was logged inside a sampled span (the same ids
 * a trace backend shows, so a log line leads to its trace and back), the MDC, and {@code error} with the stack.
 */
public final class JsonLogLine {
    /**
     * One factory for every line: it recycles its generators' buffers per thread, so a line costs its writer and the
     * generator object, as the hand-built line cost its builder. Written once per log event, never per data event.
     */
    private static final JsonFactory JSON = new JsonFactory();

    private JsonLogLine() {
    }

    public static String format(ILoggingEvent event) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            field(json, "level", event.getLevel().toString());
            field(json, "class", LogClass.of(event).key());
            field(json, "logger", event.getLoggerName());
            field(json, "thread", event.getThreadName());
            field(json, "msg", event.getFormattedMessage());
            // logback calls appenders on the logging thread, so the current span is the one the code logged in
            SpanContext span = Span.current().getSpanContext();
            if (span.isValid()) {
                field(json, "trace_id", span.getTraceId());
                field(json, "span_id", span.getSpanId());
            }
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null) {
                for (Map.Entry<String, String> entry : mdc.entrySet()) {
                    field(json, entry.getKey(), entry.getValue());
                }
            }
            IThrowableProxy error = event.getThrowableProxy();
            if (error != null) {
                StringBuilder stack = new StringBuilder(error.getClassName()).append(": ").append(error.getMessage());
                for (StackTraceElementProxy frame : error.getStackTraceElementProxyArray()) {
                    stack.append("\n\tat ").append(frame.getStackTraceElement());
                }
                field(json, "error", stack.toString());
            }
            json.writeEndObject();
        } catch (IOException e) {
            // a StringWriter does not fail
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void field(JsonGenerator json, String name, String value) throws IOException {
        json.writeStringField(name, value == null ? "" : value);
    }
}
