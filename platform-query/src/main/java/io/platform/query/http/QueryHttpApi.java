package io.platform.query.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import io.platform.observability.http.ServiceHttpServer;
import io.platform.observability.tracing.Tracing;
import io.platform.query.exec.AdmissionControl;
import io.platform.query.exec.QueryEngine;
import io.platform.query.exec.QueryLimits;
import io.platform.query.exec.RowSink;
import io.platform.query.sql.SqlException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * {@code POST /v1/query} (SQL text body, or {@code GET /v1/query?sql=...}): each row is one JSON object per line,
 * streamed with chunked transfer as it is produced. Planning errors answer 400 with {@code {"error", "position"}};
 * a failure after rows were sent ends the stream with one {@code {"error": ...}} line.
 */
public final class QueryHttpApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final QueryEngine engine;
    private final AdmissionControl admission;
    private final LatencyMetrics metrics;

    public QueryHttpApi(QueryEngine engine, AdmissionControl admission) {
        this(engine, admission, LatencyMetrics.global());
    }

    /** The same API, recording time to first row into {@code metrics}: the node passes its own. */
    public QueryHttpApi(QueryEngine engine, AdmissionControl admission, LatencyMetrics metrics) {
        this.engine = engine;
        this.admission = admission;
        this.metrics = metrics;
    }

    /** The admission control this API's queries pass, to share with other front ends of the same engine. */
    public AdmissionControl admission() {
        return admission;
    }

    /**
     * Who may read what, asked before a query runs: the node's authorizer when security is on. Thread-safe.
     */
    public interface AccessCheck {
        /** Everyone reads everything: a node without security. */
        AccessCheck OPEN = new AccessCheck() {
            @Override
            public String readRefusal(String user, String stream) {
                return null;
            }

            @Override
            public String statementRefusal(String user, String statement) {
                return null;
            }
        };

        /** Null when {@code user} may read {@code stream}'s rows; otherwise why not and what would allow it. */
        String readRefusal(String user, String stream);

        /** Null when {@code user} may run a statement such as CREATE MATERIALIZED VIEW; otherwise why not. */
        String statementRefusal(String user, String statement);
    }

    private volatile AccessCheck access = AccessCheck.OPEN;

    /** Checks every query's tables (as their streams) and every statement with {@code access} before it runs. */
    public QueryHttpApi access(AccessCheck access) {
        this.access = access;
        return this;
    }

    // a user's limits, by the name on their client certificate (mutual TLS); null: the engine's for everyone
    private volatile Function<String, QueryLimits> limitsByUser;

    /**
     * Runs each query under the limits {@code byUser} gives its user: the common name of the client certificate the
     * connection presented (the query listener under mutual TLS), or null when it presented none.
     */
    public QueryHttpApi limitsByUser(Function<String, QueryLimits> byUser) {
        this.limitsByUser = byUser;
        return this;
    }

    /** The common name (CN) of the client certificate the exchange's TLS connection presented, or null. */
    public static String userOf(HttpExchange exchange) {
        if (!(exchange instanceof HttpsExchange https) || https.getSSLSession() == null) {
            return null;
        }
        try {
            String subject = https.getSSLSession().getPeerPrincipal().getName();
            for (Rdn rdn : new LdapName(subject).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return subject;
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return null;
        }
    }

    public void install(ServiceHttpServer server) {
        server.route("/v1/query", this::query);
    }

    /** A statement the query engine does not run itself (e.g. DDL served by another part of the node): its JSON answer. */
    @FunctionalInterface
    public interface StatementHandler {
        /** @throws IllegalArgumentException when the statement is refused; its message is the reason */
        String handle(String statement) throws Exception;
    }

    private final List<Map.Entry<Pattern, StatementHandler>> statements = new CopyOnWriteArrayList<>();

    /** Statements {@code pattern} matches go to {@code handler} instead of the engine. */
    public void handle(Pattern pattern, StatementHandler handler) {
        statements.add(Map.entry(pattern, handler));
    }

    private void query(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        String sql;
        if (exchange.getRequestMethod().equals("POST")) {
            try (InputStream in = exchange.getRequestBody()) {
                sql = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
            }
        } else {
            String raw = exchange.getRequestURI().getRawQuery();
            sql = raw != null && raw.startsWith("sql=") ? URLDecoder.decode(raw.substring(4), StandardCharsets.UTF_8) : "";
        }
        if (sql.isBlank()) {
            error(exchange, 400, "empty query: send SQL as the POST body, e.g. SELECT count(*) FROM readings", 1);
            return;
        }
        for (Map.Entry<Pattern, StatementHandler> statement : statements) {
            if (statement.getKey().matcher(sql).find()) {
                String refusal = access.statementRefusal(userOf(exchange), sql);
                if (refusal != null) {
                    error(exchange, 403, refusal, 1);
                    return;
                }
                try {
                    ServiceHttpServer.respond(exchange, 200, "application/x-ndjson", statement.getValue().handle(sql) + "\n");
                } catch (IllegalArgumentException e) {
                    error(exchange, 400, e.getMessage(), 1);
                } catch (Exception e) {
                    error(exchange, 500, e.toString(), 1);
                }
                return;
            }
        }
        QueryEngine.PreparedQuery prepared;
        Function<String, QueryLimits> byUser = limitsByUser;
        try {
            prepared = byUser == null ? engine.prepare(sql) : engine.prepare(sql, byUser.apply(userOf(exchange)));
        } catch (SqlException e) {
            error(exchange, 400, e.getMessage(), e.position());
            return;
        }
        for (String table : prepared.tablesRead()) {
            String stream = engine.streamOf(table);
            String refusal = access.readRefusal(userOf(exchange), stream == null ? table : stream);
            if (refusal != null) {
                error(exchange, 403, refusal, 1);
                return;
            }
        }
        AdmissionControl.Permit permit;
        try {
            permit = admission.admit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error(exchange, 503, "interrupted while waiting to run", 1);
            return;
        }
        if (permit == null) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            error(exchange, 503, "query service busy: all query slots are taken and the queue is full; retry shortly", 1);
            return;
        }
        String traceparent = exchange.getRequestHeaders().getFirst(Tracing.TRACEPARENT);
        SpanContext parent = traceparent == null ? null
                : Tracing.parentOf(traceparent.getBytes(StandardCharsets.US_ASCII));
        // the client's trace, when it sent one, becomes the parent of the query span
        try (permit; Scope ignored = parent == null ? Scope.noop()
                : Tracing.contextOf(parent).makeCurrent()) {
            stream(exchange, prepared, arrived);
        }
    }

    private void stream(HttpExchange exchange, QueryEngine.PreparedQuery prepared, long arrived) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            try {
                prepared.run(new NdjsonSink(out, arrived, metrics));
            } catch (SqlException e) {
                out.write(JSON.writeValueAsBytes(ServiceHttpServer.error(e.getMessage())));
                out.write('\n');
            }
        }
    }

    private static void error(HttpExchange exchange, int status, String message, int position) throws IOException {
        ServiceHttpServer.respondJson(exchange, status, ServiceHttpServer.error(message).put("position", position));
    }

    /**
     * Writes rows as JSON objects, one per line, flushing so clients see rows as they come: the first row at once
     * (its time from the request is the query_first_row stage), then every 256 rows.
     */
    static final class NdjsonSink implements RowSink {
        private final OutputStream out;
        private final long arrived;
        private final LatencyMetrics metrics;
        private List<String> names;
        private int unflushed;
        private boolean firstRowSent;

        NdjsonSink(OutputStream out, long arrived, LatencyMetrics metrics) {
            this.out = out;
            this.arrived = arrived;
            this.metrics = metrics;
        }

        @Override
        public void columns(List<String> names) {
            this.names = names;
        }

        @Override
        public boolean row(Object[] values) throws IOException {
            JsonGenerator json = JSON.getFactory().createGenerator(out);
            json.writeStartObject();
            for (int i = 0; i < values.length; i++) {
                json.writeFieldName(names.get(i));
                Object v = values[i];
                if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
                    json.writeNull();
                } else {
                    json.writeObject(v);
                }
            }
            json.writeEndObject();
            json.flush();
            out.write('\n');
            if (!firstRowSent) {
                out.flush();
                firstRowSent = true;
                metrics.recordNanos(Stage.QUERY_FIRST_ROW, System.nanoTime() - arrived);
            } else if (++unflushed >= 256) {
                out.flush();
                unflushed = 0;
            }
            return true;
        }
    }
}
