package io.platform.deploy.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.platform.network.flow.FlowSampler;
import io.platform.observability.http.ServiceHttpServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/flows}: the sampled per-flow counters of this process's platform connections (gateway TCP and
 * Aeron, the TCP clients it opens), largest first, as JSON; and the totals as Prometheus counters labelled by
 * transport and direction only, so the number of series does not grow with connections.
 */
final class FlowRoutes implements HttpHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TRANSPORTS = {"tcp", "tcp+tls", "aeron"};

    private final FlowSampler sampler;

    FlowRoutes(FlowSampler sampler) {
        this.sampler = sampler;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        ServiceHttpServer.respond(exchange, 200, "application/json", json(sampler));
    }

    /** Registers the totals; the caller removes them when its service closes. */
    static List<Meter> registerMetrics(FlowSampler sampler, MeterRegistry registry) {
        List<Meter> meters = new ArrayList<>();
        meters.add(FunctionCounter.builder("platform.flow.samples", sampler, FlowSampler::sampledFrames)
                .description("frames sampled for the per-flow counters (1 in flows.sampling-rate)")
                .register(registry));
        for (String transport : TRANSPORTS) {
            meters.add(FunctionCounter.builder("platform.flow.bytes", sampler, s -> s.totalBytes(transport, true))
                    .description("estimated bytes of the platform's own connections, from sampled frames")
                    .tag("transport", transport).tag("direction", "in").register(registry));
            meters.add(FunctionCounter.builder("platform.flow.bytes", sampler, s -> s.totalBytes(transport, false))
                    .description("estimated bytes of the platform's own connections, from sampled frames")
                    .tag("transport", transport).tag("direction", "out").register(registry));
        }
        return meters;
    }

    static String json(FlowSampler sampler) {
        ObjectNode answer = JSON.createObjectNode().put("samplingRate", sampler.samplingRate());
        ArrayNode flows = answer.putArray("flows");
        for (FlowSampler.FlowRecord f : sampler.list()) {
            flows.addObject().put("transport", f.transport()).put("local", f.local()).put("remote", f.remote())
                    .put("framesIn", f.framesIn()).put("bytesIn", f.bytesIn())
                    .put("framesOut", f.framesOut()).put("bytesOut", f.bytesOut())
                    .put("samples", f.samples()).put("lastSampledMs", f.lastSampledMs());
        }
        return answer.toString();
    }
}
