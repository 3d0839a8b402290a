package io.platform.observability.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.platform.observability.LatencyMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An HTTP/1.1 server with {@code GET /health} and {@code GET /metrics} (Prometheus text) built in; services add their
 * own routes. Handlers run on a bounded worker pool, so they may block on I/O. Thread-safe after {@link #start()}.
 */
public final class ServiceHttpServer implements AutoCloseable {
    static {
        // the JDK server leaves Nagle on: a response (or a TLS handshake flight) written in parts then waits for the
        // client's delayed ACK, ~40 ms. Read once when the server classes load, so set it before the first server.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Writes every JSON answer; thread-safe once configured. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService workers;
    private final String name;
    private final boolean tls;
    private volatile RequestGuard guard = RequestGuard.OPEN;

    public ServiceHttpServer(String name, String host, int port, int workerThreads, BooleanSupplier healthy) throws IOException {
        this(name, host, port, workerThreads, healthy, null, false);
    }

    /**
     * An HTTPS server when {@code tls} is given: TLS 1.3 only; the JDK's server issues session tickets, so a returning
     * client resumes without the certificate exchange. With {@code requireClientCertificate} a client must present a
     * certificate the context trusts (mutual TLS).
     */
    public ServiceHttpServer(String name, String host, int port, int workerThreads, BooleanSupplier healthy,
                             SSLContext tls, boolean requireClientCertificate) throws IOException {
        this(name, host, port, workerThreads, healthy, tls, requireClientCertificate, LatencyMetrics.global());
    }

    /** The same server, whose {@code /metrics} scrapes {@code metrics}: the node passes its own. */
    public ServiceHttpServer(String name, String host, int port, int workerThreads, BooleanSupplier healthy,
                             SSLContext tls, boolean requireClientCertificate, LatencyMetrics metrics) throws IOException {
        this.name = name;
        this.tls = tls != null;
        if (tls == null) {
            this.server = HttpServer.create(new InetSocketAddress(host, port), 256);
        } else {
            HttpsServer https = HttpsServer.create(new InetSocketAddress(host, port), 256);
            https.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters parameters = tls.getDefaultSSLParameters();
                    parameters.setProtocols(new String[] {"TLSv1.3"});
                    parameters.setNeedClientAuth(requireClientCertificate);
                    params.setSSLParameters(parameters);
                }
            });
            this.server = https;
        }
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(workerThreads, r -> {
            Thread t = new Thread(r, name + "-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        route("/health", exchange -> {
            boolean ok = healthy.getAsBoolean();
            respondJson(exchange, ok ? 200 : 503, JSON.createObjectNode().put("service", name).put("status", ok ? "UP" : "DOWN"));
        });
        route("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape()));
    }

    /** Checks every request from now on with {@code guard} before its handler runs. */
    public void guard(RequestGuard guard) {
        this.guard = guard;
    }

    /** Adds a route; the handler gets every method and path below {@code pathPrefix}. Call before {@link #start()}. */
    public void route(String pathPrefix, HttpHandler handler) {
        server.createContext(pathPrefix, exchange -> {
            try {
                RequestGuard.Refusal refusal = guard.check(exchange);
                if (refusal != null) {
                    // the body is not read: a refused request stores nothing
                    respondJson(exchange, refusal.status(), error(refusal.message()));
                    return;
                }
                handler.handle(exchange);
            } catch (RuntimeException e) {
                respondJson(exchange, 500, error(e.toString()));
            } finally {
                exchange.close();
            }
        });
    }

    public void start() {
        server.start();
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** "https" when serving TLS, else "http". */
    public String scheme() {
        return tls ? "https" : "http";
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }

    /** Writes a complete response with the given status, content type and body. */
    public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Writes a complete {@code application/json} response: {@code body} serialized by Jackson. */
    public static void respondJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        respond(exchange, status, "application/json", JSON.writeValueAsString(body));
    }

    /** A new, empty JSON object to fill and pass to {@link #respondJson}. */
    public static ObjectNode jsonObject() {
        return JSON.createObjectNode();
    }

    /** The usual error answer, {@code {"error":"<message>"}}. */
    public static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    /** The request's query parameters, decoded; a parameter given twice keeps its last value. */
    public static Map<String, String> queryParams(HttpExchange exchange) {
        Map<String, String> params = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    /**
     * A JSON string literal for {@code text}, quotes included, escaped by Jackson. Kept for callers that still build
     * JSON by hand; new code answers with {@link #respondJson}.
     */
    public static String jsonString(String text) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"';
    }
}
