package io.platform.deploy.node;

import io.micrometer.core.instrument.FunctionCounter;
import io.platform.network.flow.FlowSampler;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.http.ServiceHttpServer;
import java.util.List;

/**
 * {@code GET /v1/flows}: the sampled per-flow counters of this process's platform connections (gateway TCP and
 * Aeron, the TCP clients it opens), largest first, as JSON; and the totals as Prometheus counters labelled by
 * transport and direction only, so the number of series does not grow with connections.
 */
final class FlowRoutes {
    private FlowRoutes() {
    }

    static void install(ServiceHttpServer server) {
        server.route("/v1/flows", exchange -> ServiceHttpServer.respond(exchange, 200, "application/json", json(FlowSampler.global())));
    }

    /** Registers the totals once per process (Micrometer returns the existing meters on a second call). */
    static void registerMetrics() {
        FlowSampler sampler = FlowSampler.global();
        FunctionCounter.builder("platform.flow.samples", sampler, FlowSampler::sampledFrames)
                .description("frames sampled for the per-flow counters (1 in flows.sampling-rate)")
                .register(LatencyMetrics.global().registry());
        for (String transport : new String[] {"tcp", "tcp+tls", "aeron"}) {
            FunctionCounter.builder("platform.flow.bytes", sampler, s -> s.totalBytes(transport, true))
                    .description("estimated bytes of the platform's own connections, from sampled frames")
                    .tag("transport", transport).tag("direction", "in").register(LatencyMetrics.global().registry());
            FunctionCounter.builder("platform.flow.bytes", sampler, s -> s.totalBytes(transport, false))
                    .description("estimated bytes of the platform's own connections, from sampled frames")
                    .tag("transport", transport).tag("direction", "out").register(LatencyMetrics.global().registry());
        }
    }

    static String json(FlowSampler sampler) {
        List<FlowSampler.FlowRecord> flows = sampler.list();
        StringBuilder out = new StringBuilder("{\"samplingRate\":").append(sampler.samplingRate()).append(",\"flows\":[");
        for (int i = 0; i < flows.size(); i++) {
            FlowSampler.FlowRecord f = flows.get(i);
            out.append(i > 0 ? "," : "").append("{\"transport\":").append(ServiceHttpServer.jsonString(f.transport()))
                    .append(",\"local\":").append(ServiceHttpServer.jsonString(f.local()))
                    .append(",\"remote\":").append(ServiceHttpServer.jsonString(f.remote()))
                    .append(",\"framesIn\":").append(f.framesIn()).append(",\"bytesIn\":").append(f.bytesIn())
                    .append(",\"framesOut\":").append(f.framesOut()).append(",\"bytesOut\":").append(f.bytesOut())
                    .append(",\"samples\":").append(f.samples()).append(",\"lastSampledMs\":").append(f.lastSampledMs()).append('}');
        }
        return out.append("]}").toString();
    }
}
