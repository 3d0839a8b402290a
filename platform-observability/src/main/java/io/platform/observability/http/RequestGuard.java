package io.platform.observability.http;

import com.sun.net.httpserver.HttpExchange;

/**
 * Decides, before any handler runs, whether a request may be served: every route of a {@link ServiceHttpServer},
 * {@code /health} and {@code /metrics} included, passes it. Called on the listener's worker threads: thread-safe.
 */
@FunctionalInterface
public interface RequestGuard {
    /** Serves everything: the guard of a node without security. */
    RequestGuard OPEN = exchange -> null;

    /**
     * @return null to serve the request, or the refusal to answer instead (nothing of the request is processed)
     */
    Refusal check(HttpExchange exchange);

    /**
     * A refused request's answer.
     *
     * @param status  401 (no identity) or 403 (not allowed)
     * @param message who, what, and what would allow it; never a class name
     */
    record Refusal(int status, String message) {
    }
}
