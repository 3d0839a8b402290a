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

    public static void install(ServiceHttpServer server, StatsSampler sampler) {
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
