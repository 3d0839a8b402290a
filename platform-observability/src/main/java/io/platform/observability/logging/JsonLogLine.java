package io.platform.observability.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.platform.observability.http.ServiceHttpServer;
import java.time.Instant;
import java.util.Map;

/**
 * One log event as one line of JSON: {@code ts}, {@code level}, {@code class}, {@code logger}, {@code thread},
 * {@code msg}, then {@code trace_id} and {@code span_id} when the event was logged inside a sampled span (the same ids
 * a trace backend shows, so a log line leads to its trace and back), the MDC, and {@code error} with the stack.
 */
public final class JsonLogLine {
    private JsonLogLine() {
    }

    public static String format(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"ts\":\"").append(Instant.ofEpochMilli(event.getTimeStamp())).append('"');
        field(out, "level", event.getLevel().toString());
        field(out, "class", LogClass.of(event).key());
        field(out, "logger", event.getLoggerName());
        field(out, "thread", event.getThreadName());
        field(out, "msg", event.getFormattedMessage());
        // logback calls appenders on the logging thread, so the current span is the one the code logged in
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
            field(out, "trace_id", span.getTraceId());
            field(out, "span_id", span.getSpanId());
        }
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null) {
            for (Map.Entry<String, String> entry : mdc.entrySet()) {
                field(out, entry.getKey(), entry.getValue());
            }
        }
        IThrowableProxy error = event.getThrowableProxy();
        if (error != null) {
            StringBuilder stack = new StringBuilder(error.getClassName()).append(": ").append(error.getMessage());
            for (StackTraceElementProxy frame : error.getStackTraceElementProxyArray()) {
                stack.append("\n\tat ").append(frame.getStackTraceElement());
            }
            field(out, "error", stack.toString());
        }
        return out.append('}').toString();
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(',').append(ServiceHttpServer.jsonString(name)).append(':').append(ServiceHttpServer.jsonString(value == null ? "" : value));
    }
}
