package io.platform.observability.tracing;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tail-based sampling in the process: every span is recorded, and the decision to export a trace is taken when its
 * local root span ends, knowing how it went: a trace is kept when that root took at least {@code slowNanos}, ended
 * in error, or falls in the head-sampled share {@code keepRatio} (by trace id, so every process keeping a ratio
 * keeps the same traces). Spans of a trace that end after its decision (e.g. storage's commit, a child across Kafka)
 * follow the decision, and a later slow or failed local root keeps its own part even when an earlier part was
 * dropped. Buffers are bounded ({@code maxTraces} undecided traces, oldest dropped first), so memory cannot grow
 * without bound under load; the decision of each trace is remembered for the most recent {@code maxTraces} traces.
 * Exports go to {@code exporter} from the thread that ended the root span. Thread-safe.
 */
public final class TailSampler implements SpanProcessor {
    private final SpanExporter exporter;
    private final long slowNanos;
    private final double keepRatio;
    private final int maxTraces;
    private final Map<String, List<SpanData>> pending;
    private final Map<String, Boolean> decided;

    public TailSampler(SpanExporter exporter, long slowNanos, double keepRatio, int maxTraces) {
        this.exporter = exporter;
        this.slowNanos = slowNanos;
        this.keepRatio = keepRatio;
        this.maxTraces = maxTraces;
        this.pending = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<SpanData>> eldest) {
                return size() > TailSampler.this.maxTraces;
            }
        };
        this.decided = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > TailSampler.this.maxTraces;
            }
        };
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
    }

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        SpanData data = span.toSpanData();
        String traceId = data.getTraceId();
        SpanContext parent = data.getParentSpanContext();
        boolean localRoot = !parent.isValid() || parent.isRemote();
        List<SpanData> export = null;
        synchronized (this) {
            if (!localRoot) {
                Boolean decision = decided.get(traceId);
                if (decision == null) {
                    pending.computeIfAbsent(traceId, id -> new ArrayList<>()).add(data);
                } else if (decision) {
                    export = List.of(data);
                }
            } else {
                boolean keep = keep(data);
                Boolean earlier = decided.get(traceId);
                decided.put(traceId, keep || Boolean.TRUE.equals(earlier));
                List<SpanData> buffered = pending.remove(traceId);
                if (keep) {
                    export = new ArrayList<>(buffered == null ? List.of() : buffered);
                    export.add(data);
                }
            }
        }
        if (export != null && !export.isEmpty()) {
            exporter.export(export);
        }
    }

    private boolean keep(SpanData root) {
        if (root.getEndEpochNanos() - root.getStartEpochNanos() >= slowNanos) {
            return true;
        }
        if (root.getStatus().getStatusCode() == StatusCode.ERROR) {
            return true;
        }
        // the same rule as the SDK's ratio sampler: the trace id's low 8 bytes against the ratio
        long bits = Long.parseUnsignedLong(root.getTraceId().substring(16), 16) & Long.MAX_VALUE;
        return bits < (long) (keepRatio * Long.MAX_VALUE);
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }

    @Override
    public CompletableResultCode shutdown() {
        return exporter.shutdown();
    }

    @Override
    public CompletableResultCode forceFlush() {
        return exporter.flush();
    }
}
