package io.platform.observability.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The process's tracer. {@link #global()} is a no-op until {@link #startOtlp} or {@link #install} replaces it, so code
 * can always ask for spans; {@link #traceparent} returns null for unsampled spans, which is what keeps the per-record
 * cost at zero when tracing is off or a batch is not sampled. Thread-safe.
 */
public final class Tracing implements AutoCloseable {
    /** The W3C trace context header, in Kafka record headers too (as OpenTelemetry's Kafka instrumentation does). */
    public static final String TRACEPARENT = "traceparent";
    public static final AttributeKey<String> STREAM = AttributeKey.stringKey("platform.stream");
    public static final AttributeKey<Long> EVENTS = AttributeKey.longKey("platform.events");
    /**
     * On a {@code store.commit} span: how long the storage write took, ending at the span's end. The rows became
     * visible somewhere in that interval, so a reader may have found them up to this long before the span ended.
     */
    public static final AttributeKey<Long> WRITE_NANOS = AttributeKey.longKey("platform.write_ns");

    private static volatile Tracing global = new Tracing(OpenTelemetry.noop(), null);

    private final OpenTelemetry openTelemetry;
    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private Tracing(OpenTelemetry openTelemetry, SdkTracerProvider provider) {
        this.openTelemetry = openTelemetry;
        this.provider = provider;
        this.tracer = openTelemetry.getTracer("io.platform");
    }

    public static Tracing global() {
        return global;
    }

    /** Exports sampled spans over OTLP/HTTP (e.g. {@code http://collector:4318/v1/traces}) and makes this the global tracer. */
    public static Tracing startOtlp(String endpoint, double sampleRatio, String serviceName) {
        return install(OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build(), sampleRatio, serviceName, true);
    }

    /**
     * Tail-based sampling (see {@link TailSampler}): every span is recorded and a trace is exported when its local root
     * took at least {@code slowNanos}, failed, or falls in {@code keepRatio}. Makes this the global tracer.
     */
    public static Tracing installTailSampling(SpanExporter exporter, long slowNanos, double keepRatio, String serviceName) {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), serviceName))))
                .setSampler(Sampler.alwaysOn())
                .addSpanProcessor(new TailSampler(exporter, slowNanos, keepRatio, 10_000))
                .build();
        Tracing tracing = new Tracing(OpenTelemetrySdk.builder().setTracerProvider(provider).build(), provider);
        global = tracing;
        return tracing;
    }

    /** Exports to {@code exporter} (tests pass an in-memory one) and makes this the global tracer. */
    public static Tracing install(SpanExporter exporter, double sampleRatio, String serviceName, boolean batch) {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), serviceName))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampleRatio)))
                .addSpanProcessor(batch ? BatchSpanProcessor.builder(exporter).build() : SimpleSpanProcessor.create(exporter))
                .build();
        Tracing tracing = new Tracing(OpenTelemetrySdk.builder().setTracerProvider(provider).build(), provider);
        global = tracing;
        return tracing;
    }

    /** A tracer that records nothing, not made global; with {@link #makeGlobal} to switch tracing off and on cheaply. */
    public static Tracing noop() {
        return new Tracing(OpenTelemetry.noop(), null);
    }

    /** Makes this the process's tracer without closing the previous one (a benchmark alternates two). */
    public void makeGlobal() {
        global = this;
    }

    public Tracer tracer() {
        return tracer;
    }

    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /** The {@code traceparent} value of a sampled span, or null when the span is not recorded. */
    public static byte[] traceparent(Span span) {
        SpanContext context = span.getSpanContext();
        if (!context.isValid() || !context.isSampled()) {
            return null;
        }
        return ("00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex())
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The remote parent a {@code traceparent} names, or null when it is missing or malformed. */
    public static SpanContext parentOf(byte[] traceparent) {
        if (traceparent == null || traceparent.length != 55) {
            return null;
        }
        String value = new String(traceparent, StandardCharsets.US_ASCII);
        String[] parts = value.split("-");
        if (parts.length != 4 || !parts[0].equals("00")) {
            return null;
        }
        SpanContext context =
                SpanContext.createFromRemoteParent(parts[1], parts[2], TraceFlags.fromHex(parts[3], 0), TraceState.getDefault());
        return context.isValid() ? context : null;
    }

    /** A context whose current span is the remote parent, to start children under it. */
    public static Context contextOf(SpanContext parent) {
        return Context.root().with(Span.wrap(parent));
    }

    /** Flushes and stops exporting; the global tracer becomes a no-op again. */
    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(5, TimeUnit.SECONDS);
        }
        if (global == this) {
            global = new Tracing(OpenTelemetry.noop(), null);
        }
    }
}
