package io.platform.observability.dashboard;

import io.platform.observability.http.ServiceHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Serves {@code /dashboard} (the page) and {@code /v1/stats} (the last minutes of per-second figures). */
public final class DashboardRoutes {
    private static final String PAGE = load();

    private DashboardRoutes() {
    }

    private static final io.platform.observability.profiling.FlameGraphProfiler PROFILER = new io.platform.observability.profiling.FlameGraphProfiler();

    public static void install(ServiceHttpServer server, StatsSampler sampler) {
        server.route("/v1/profile", exchange -> {
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
                ServiceHttpServer.respond(exchange, 400, "application/json", "{\"error\":\"seconds must be 1..120, e.g. /v1/profile?seconds=10\"}");
                return;
            }
            try {
                var folded = PROFILER.sample(java.time.Duration.ofSeconds(seconds), java.time.Duration.ofMillis(10));
                ServiceHttpServer.respond(exchange, 200, "image/svg+xml", io.platform.observability.profiling.FlameGraphProfiler.svg(folded,
                        "CPU flame graph, " + seconds + " s of JFR samples"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ServiceHttpServer.respond(exchange, 503, "application/json", "{\"error\":\"interrupted\"}");
            }
        });
        server.route("/dashboard", exchange -> ServiceHttpServer.respond(exchange, 200, "text/html; charset=utf-8", PAGE));
        server.route("/v1/stats", exchange -> {
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
