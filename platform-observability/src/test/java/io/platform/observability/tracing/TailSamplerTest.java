package io.platform.observability.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Slow or failed traces are exported whole, fast ones not, and late children follow their trace's decision. */
class TailSamplerTest {
    private static final long SLOW_NS = TimeUnit.MILLISECONDS.toNanos(20);

    /** Start and end times are given, not read from the clock: a descheduled test thread must not make a fast trace slow. */
    private static Span trace(Tracer tracer, String name, long rootMillis, boolean error) {
        long startNs = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        Span root = tracer.spanBuilder(name).setStartTimestamp(startNs, TimeUnit.NANOSECONDS).startSpan();
        try (Scope ignored = root.makeCurrent()) {
            tracer.spanBuilder(name + ".child").setStartTimestamp(startNs, TimeUnit.NANOSECONDS).startSpan()
                    .end(startNs + 100_000, TimeUnit.NANOSECONDS);
        }
        if (error) {
            root.setStatus(StatusCode.ERROR);
        }
        root.end(startNs + TimeUnit.MILLISECONDS.toNanos(rootMillis), TimeUnit.NANOSECONDS);
        return root;
    }

    @Test
    void keepsSlowAndFailedTracesWholeAndDropsFastOnes() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (Tracing tracing = Tracing.installTailSampling(exporter, SLOW_NS, 0.0, "test")) {
            Tracer tracer = tracing.tracer();
            trace(tracer, "fast", 1, false);
            Span slow = trace(tracer, "slow", 30, false);
            trace(tracer, "failed", 1, true);
            // a child ending after its root (e.g. storage's commit across Kafka) follows the slow trace's decision
            tracer.spanBuilder("late").setParent(io.opentelemetry.context.Context.root().with(slow)).startSpan().end();

            List<String> names = exporter.getFinishedSpanItems().stream().map(SpanData::getName).sorted().toList();
            assertEquals(List.of("failed", "failed.child", "late", "slow", "slow.child"), names);
        }
    }

    @Test
    void theHeadShareKeepsTheSameTracesAsTheRatioSampler() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (Tracing tracing = Tracing.installTailSampling(exporter, Long.MAX_VALUE, 0.25, "test")) {
            for (int i = 0; i < 2_000; i++) {
                tracing.tracer().spanBuilder("t").startSpan().end();
            }
            int kept = exporter.getFinishedSpanItems().size();
            assertTrue(kept > 380 && kept < 620, "about a quarter of 2,000 fast traces kept: " + kept);
        }
    }
}
