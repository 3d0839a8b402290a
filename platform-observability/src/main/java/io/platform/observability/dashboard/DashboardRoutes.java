package io.platform.observability.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpHandler;
import io.platform.observability.http.ServiceHttpServer;
import io.platform.observability.profiling.FlameGraphProfiler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BiConsumer;

/** Serves {@code /dashboard} (the page) and {@code /v1/stats} (the last minutes of per-second figures). */
public final class DashboardRoutes {
    private static final String PAGE = load();

    private DashboardRoutes() {
    }

    private static final FlameGraphProfiler PROFILER = new FlameGraphProfiler();

    /** Mounts {@code /dashboard}, {@code /v1/stats}, {@code /v1/diagnose} and {@code /v1/profile} on {@code server}. */
    public static void install(ServiceHttpServer server, StatsSampler sampler) {
        install(server::route, sampler);
    }

    /** Hands each route (path prefix and handler) to {@code route}, for a caller that mounts them itself. */
    public static void install(BiConsumer<String, HttpHandler> route, StatsSampler sampler) {
        route.accept("/v1/diagnose", exchange -> {
            long now = System.currentTimeMillis();
            long from = now - 300_000;
            long to = now;
            String query = exchange.getRequestURI().getQuery();
            try {
                if (query != null) {
                    for (String pair : query.split("&")) {
                        String[] kv = pair.split("=", 2);
                        if (kv.length == 2 && kv[0].equals("last")) {
                            from = now - Long.parseLong(kv[1]) * 1000;
                        } else if (kv.length == 2 && kv[0].equals("from")) {
                            from = Long.parseLong(kv[1]);
                        } else if (kv.length == 2 && kv[0].equals("to")) {
                            to = Long.parseLong(kv[1]);
                        }
                    }
                }
            } catch (NumberFormatException e) {
                ServiceHttpServer.respondJson(exchange, 400,
                        ServiceHttpServer.error("use ?last=<seconds> or ?from=<epoch ms>&to=<epoch ms>"));
                return;
            }
            ObjectNode answer = ServiceHttpServer.jsonObject().put("from", from).put("to", to);
            ArrayNode findings = answer.putArray("findings");
            for (Diagnosis.Finding f : Diagnosis.analyze(sampler.history(), from, to, 50)) {
                ArrayNode evidence = findings.addObject()
                        .put("timeMs", f.timeMs())
                        .put("endToEndP99Ms", Math.round(f.endToEndP99Ms() * 1000) / 1000.0)
                        .put("likelyCause", f.likelyCause())
                        .putArray("evidence");
                f.evidence().forEach(evidence::add);
            }
            ServiceHttpServer.respondJson(exchange, 200, answer);
        });
        route.accept("/v1/profile", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            int seconds = 10;
            if (query != null && query.startsWith("seconds=")) {
                try {
                    seconds = Integer.parseInt(query.substring("seconds=".length()));
                } catch (NumberFormatException e) {
                    seconds = -1;
                }
            }
            if (seconds < 1 || seconds > 120) {
                ServiceHttpServer.respondJson(exchange, 400,
                        ServiceHttpServer.error("seconds must be 1..120, e.g. /v1/profile?seconds=10"));
                return;
            }
            try {
                var folded = PROFILER.sample(Duration.ofSeconds(seconds), Duration.ofMillis(10));
                ServiceHttpServer.respond(exchange, 200, "image/svg+xml", FlameGraphProfiler.svg(folded,
                        "CPU flame graph, " + seconds + " s of JFR samples"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ServiceHttpServer.respondJson(exchange, 503, ServiceHttpServer.error("interrupted"));
            }
        });
        route.accept("/dashboard", exchange -> ServiceHttpServer.respond(exchange, 200, "text/html; charset=utf-8", PAGE));
        route.accept("/v1/stats", exchange -> {
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            ServiceHttpServer.respond(exchange, 200, "application/json", sampler.historyJson());
        });
    }

    private static String load() {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IllegalStateException("dashboard.html missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
