package io.platform.deploy.security;

import com.sun.net.httpserver.HttpExchange;
import io.platform.ingest.gateway.ConfluentRegistryApi;
import io.platform.observability.http.RequestGuard;
import io.platform.observability.logging.AuditLog;
import io.platform.query.http.QueryHttpApi;
import io.platform.security.access.Action;
import io.platform.security.access.Authorizer;
import io.platform.security.access.Decision;
import io.platform.security.access.Resource;
import io.platform.security.tls.RevokedNames;
import java.util.Arrays;
import java.util.List;

/**
 * What each HTTP route of a node asks of the policy: ingest and registration on the stream in the path, dead letters
 * on theirs, jar jobs admin-only, node operations (metrics, dashboard, diagnostics, flows, segments, statistics, job
 * control) as {@link Action#OPERATE}. Queries pass here as any authenticated client and are checked table by table by
 * the query API. A refusal answers 403 with who, what and the grant that would allow it, and is written to the audit
 * log; the handler never runs, so nothing of the request is stored. Thread-safe.
 */
final class HttpAccessRules implements RequestGuard {
    private final Authorizer authorizer;
    private final List<String> openPaths;
    private final Refusals refusals;
    private final RevokedNames revoked;

    HttpAccessRules(Authorizer authorizer, List<String> openPaths, Refusals refusals, RevokedNames revoked) {
        this.revoked = revoked;
        this.authorizer = authorizer;
        this.openPaths = openPaths;
        this.refusals = refusals;
    }

    @Override
    public Refusal check(HttpExchange exchange) {
        String principal = QueryHttpApi.userOf(exchange);
        if (principal == null) {
            refusals.httpNoCertificate();
            return new Refusal(401, "this node requires a client certificate from its authority: create one with"
                    + " 'platform tls issue-client <name>' and present it (curl --cert, a key store)");
        }
        if (revoked.revoked(principal)) {
            refusals.httpRevoked();
            AuditLog.record("access.revoked", principal, "request='" + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI().getPath() + "'");
            return new Refusal(401, SecurityService.revokedMessage(principal));
        }
        String path = exchange.getRequestURI().getPath();
        for (String open : openPaths) {
            if (path.startsWith(open)) {
                return null;
            }
        }
        Required required = required(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("Content-Type"));
        if (required == null) {
            return null;
        }
        Decision decision = authorizer.decide(principal, required.action(), required.resource());
        if (decision.allowed()) {
            return null;
        }
        refusals.httpDenied();
        AuditLog.record("access.denied", principal, "action=" + required.action() + " resource=" + required.resource()
                + " request='" + exchange.getRequestMethod() + " " + path + "'");
        return new Refusal(403, decision.reason());
    }

    /** The action and resource a request needs; null when any authenticated client may make it. */
    static Required required(String method, String path, String contentType) {
        String[] parts = Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).toArray(String[]::new);
        boolean read = method.equals("GET") || method.equals("HEAD");
        String first = parts.length == 0 ? "" : parts[0];
        if (first.equals("v1") && parts.length >= 2) {
            String stream = parts.length >= 3 ? parts[2] : Resource.NODE;
            return switch (parts[1]) {
                case "schemas" -> read ? null : new Required(Action.REGISTER_SCHEMA, stream);
                case "streams" -> read ? null : new Required(Action.INGEST, stream);
                case "dlq" -> new Required(read ? Action.READ_DEAD_LETTERS : Action.REPLAY_DEAD_LETTERS, stream);
                case "query" -> null;
                case "jobs" -> jobs(parts, contentType);
                case "access" -> new Required(Action.MANAGE_ACCESS, Resource.NODE);
                default -> new Required(Action.OPERATE, Resource.NODE);
            };
        }
        return switch (first) {
            // POST /subjects/{s} looks a schema up; registering is POST .../versions, deleting DELETE
            case "subjects" -> read || parts.length < 2 || method.equals("POST") && parts.length == 2 ? null
                    : new Required(Action.REGISTER_SCHEMA, ConfluentRegistryApi.streamOf(parts[1]));
            case "config" -> read ? null : parts.length < 2 ? new Required(Action.OPERATE, Resource.NODE)
                    : new Required(Action.REGISTER_SCHEMA, ConfluentRegistryApi.streamOf(parts[1]));
            case "schemas", "compatibility" -> null;
            default -> new Required(Action.OPERATE, Resource.NODE);
        };
    }

    private static Required jobs(String[] parts, String contentType) {
        boolean submit = parts.length == 4 && parts[3].equals("submit");
        if (submit && contentType != null && contentType.startsWith("application/java-archive")) {
            return new Required(Action.RUN_JAR_JOBS, Resource.NODE);
        }
        // which streams a SQL job reads and writes is known once it is planned: until then, a grant on every stream
        return submit ? new Required(Action.RUN_SQL_JOBS, Resource.NODE) : new Required(Action.OPERATE, Resource.NODE);
    }

    /** An action on a resource. */
    record Required(Action action, String resource) {
    }
}
