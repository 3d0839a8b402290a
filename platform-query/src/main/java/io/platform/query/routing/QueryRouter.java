package io.platform.query.routing;

import com.sun.net.httpserver.HttpExchange;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.http.ServiceHttpServer;
import io.platform.query.exec.QueryEngine;
import io.platform.query.sql.SqlException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code POST /v1/query} in front of query nodes. The rule: a query whose plan reads one series (equality on every
 * key column: one seek) or a time range of at most {@code maxLookupRangeMs} is a <b>lookup</b> and goes to the lookup
 * nodes; everything else (all-series aggregates, long ranges, planning errors) is a <b>scan</b> and goes to the scan
 * nodes. Planning needs only the schemas, so the router holds no data. Within a pool nodes take turns; a node that
 * refuses the connection is skipped, then the other pool is tried, so one pool down does not stop queries. Responses
 * stream through as the node produces them, with {@code X-Platform-Route} and {@code X-Platform-Node} headers saying
 * where the query ran. Thread-safe.
 */
public final class QueryRouter {
    /** Which pool a query goes to. */
    public enum Route { LOOKUP, SCAN }

    private final QueryEngine planner;
    private final long maxLookupRangeMs;
    private final List<URI> lookupNodes;
    private final List<URI> scanNodes;
    private final AtomicInteger turn = new AtomicInteger();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    /**
     * @param planner plans queries to classify them; built over the schema catalog alone (no store is read)
     * @param lookupNodes base URLs of the nodes for lookups, e.g. http://10.0.0.5:8081
     */
    public QueryRouter(QueryEngine planner, long maxLookupRangeMs, List<URI> lookupNodes, List<URI> scanNodes) {
        if (lookupNodes.isEmpty() && scanNodes.isEmpty()) {
            throw new IllegalArgumentException("a router needs at least one query node: give lookup or scan nodes");
        }
        this.planner = planner;
        this.maxLookupRangeMs = maxLookupRangeMs;
        this.lookupNodes = List.copyOf(lookupNodes);
        this.scanNodes = List.copyOf(scanNodes);
    }

    public void install(ServiceHttpServer server) {
        server.route("/v1/query", this::forward);
    }

    /** The pool {@code sql} goes to. */
    public Route classify(String sql) {
        try {
            return planner.prepare(sql).isLookup(maxLookupRangeMs) ? Route.LOOKUP : Route.SCAN;
        } catch (SqlException | RuntimeException e) {
            // the node answers the error with its position; any node can
            return Route.SCAN;
        }
    }

    /** The nodes to try for a route, in order: the route's pool from the next in turn, then the other pool. */
    List<URI> candidates(Route route) {
        List<URI> first = route == Route.LOOKUP ? lookupNodes : scanNodes;
        List<URI> second = route == Route.LOOKUP ? scanNodes : lookupNodes;
        List<URI> order = new ArrayList<>();
        int start = Math.floorMod(turn.getAndIncrement(), Math.max(1, first.size()));
        for (int i = 0; i < first.size(); i++) {
            order.add(first.get((start + i) % first.size()));
        }
        order.addAll(second);
        return order;
    }

    private void forward(HttpExchange exchange) throws IOException {
        byte[] body;
        String sql;
        if (exchange.getRequestMethod().equals("POST")) {
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(1 << 20);
            }
            sql = new String(body, StandardCharsets.UTF_8);
        } else {
            String raw = exchange.getRequestURI().getRawQuery();
            sql = raw != null && raw.startsWith("sql=") ? URLDecoder.decode(raw.substring(4), StandardCharsets.UTF_8) : "";
            body = sql.getBytes(StandardCharsets.UTF_8);
        }
        Route route = classify(sql);
        LatencyMetrics.global().registry().counter("platform.query.routed", "route", route.name().toLowerCase(Locale.ROOT)).increment();
        List<String> refused = new ArrayList<>();
        for (URI node : candidates(route)) {
            HttpResponse<InputStream> response;
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(node.resolve("/v1/query"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
                if (traceparent != null) {
                    request.header("traceparent", traceparent);
                }
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                refused.add(node + " (" + e.getClass().getSimpleName() + ")");
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            exchange.getResponseHeaders().set("Content-Type", response.headers().firstValue("Content-Type").orElse("application/x-ndjson"));
            response.headers().firstValue("Retry-After").ifPresent(v -> exchange.getResponseHeaders().set("Retry-After", v));
            exchange.getResponseHeaders().set("X-Platform-Route", route.name().toLowerCase(Locale.ROOT));
            exchange.getResponseHeaders().set("X-Platform-Node", node.toString());
            exchange.sendResponseHeaders(response.statusCode(), 0);
            try (InputStream in = response.body(); OutputStream out = exchange.getResponseBody()) {
                // rows pass through as the node sends them: the client's first row is the node's first row
                byte[] buffer = new byte[16 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
            return;
        }
        ServiceHttpServer.respondJson(exchange, 502, ServiceHttpServer.error(
                "no query node answered the " + route.name().toLowerCase(Locale.ROOT) + " query: " + refused));
    }
}
