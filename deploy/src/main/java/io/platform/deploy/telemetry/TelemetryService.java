package io.platform.deploy.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.platform.deploy.service.HttpRoute;
import io.platform.deploy.service.Meters;
import io.platform.deploy.service.Service;
import io.platform.deploy.service.StartedResources;
import io.platform.network.flow.FlowSampler;
import io.platform.observability.logging.JsonLogAppender;
import io.platform.observability.logging.LogSetup;
import io.platform.observability.tracing.Tracing;
import java.util.List;

/**
 * What the node records of itself, started first and closed last so every other service's start and stop is
 * recorded: the JSON log files ({@code platform logs} reads them), OTLP tracing when configured, and the sampled
 * per-flow counters ({@code GET /v1/flows} on every listener).
 */
public final class TelemetryService implements Service {
    private static final String SERVICE_NAME = "platform";

    private final TelemetryConfig config;
    private final MeterRegistry registry;
    private final StartedResources started = new StartedResources("telemetry");

    public TelemetryService(TelemetryConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    @Override
    public String name() {
        return "telemetry";
    }

    @Override
    public void start() throws Exception {
        JsonLogAppender logFiles = LogSetup.install(config.logDir(), config.retention(), config.fileLevel());
        started.add(() -> LogSetup.uninstall(logFiles));
        if (!config.otlpEndpoint().isEmpty()) {
            started.add(config.tailSlow() == null
                    ? Tracing.startOtlp(config.otlpEndpoint(), config.sampleRatio(), SERVICE_NAME)
                    : Tracing.installTailSampling(OtlpHttpSpanExporter.builder().setEndpoint(config.otlpEndpoint()).build(),
                            config.tailSlow().toNanos(), config.sampleRatio(), SERVICE_NAME));
        }
        // before any server binds: connections read the rate when they open
        FlowSampler.global().setSamplingRate(config.flowSamplingRate());
        FlowRoutes.registerMetrics(FlowSampler.global(), registry).forEach(meter -> started.add(Meters.removedOnClose(registry, meter)));
    }

    @Override
    public List<HttpRoute> routes() {
        return List.of(new HttpRoute("/v1/flows", HttpRoute.Listener.EVERY, new FlowRoutes(FlowSampler.global())));
    }

    @Override
    public void close() {
        started.closeAll();
    }
}
