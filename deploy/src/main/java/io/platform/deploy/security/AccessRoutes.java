package io.platform.deploy.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.platform.observability.http.ServiceHttpServer;
import io.platform.observability.logging.AuditLog;
import io.platform.query.http.QueryHttpApi;
import io.platform.security.access.AccessPolicy;
import io.platform.security.access.Binding;
import io.platform.security.access.PolicyFile;
import io.platform.security.access.Role;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/access}: the policy's bindings; {@code POST /v1/access/grant?principal=P&role=R[&streams=a,b]} and
 * {@code POST /v1/access/revoke?principal=P[&role=R]}: change the policy file, in force when the answer comes. Only
 * principals allowed {@code MANAGE_ACCESS} (admins) reach this handler; each change goes to the audit log.
 */
final class AccessRoutes implements HttpHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PolicyFile policyFile;

    AccessRoutes(PolicyFile policyFile) {
        this.policyFile = policyFile;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String action = exchange.getRequestURI().getPath().substring("/v1/access".length()).replace("/", "");
        Map<String, String> params = ServiceHttpServer.queryParams(exchange);
        String by = QueryHttpApi.userOf(exchange);
        try {
            switch (action) {
                case "" -> ServiceHttpServer.respondJson(exchange, 200, describe(policyFile.authorizer().policy()));
                case "grant" -> {
                    requirePost(exchange);
                    String streams = params.getOrDefault("streams", "");
                    Binding binding = new Binding(required(params, "principal"), Role.parse(required(params, "role")),
                            streams.isBlank() ? List.of() : Arrays.stream(streams.split(",")).map(String::trim).toList());
                    AccessPolicy policy = policyFile.grant(binding);
                    AuditLog.record("access.grant", binding.principal(), "role=" + binding.role().key() + " streams="
                            + binding.streams() + " by=" + by);
                    ServiceHttpServer.respondJson(exchange, 200, describe(policy));
                }
                case "revoke" -> {
                    requirePost(exchange);
                    String principal = required(params, "principal");
                    Role role = params.containsKey("role") ? Role.parse(params.get("role")) : null;
                    AccessPolicy policy = policyFile.revoke(principal, role);
                    AuditLog.record("access.revoke", principal, "role=" + (role == null ? "all" : role.key()) + " by=" + by);
                    ServiceHttpServer.respondJson(exchange, 200, describe(policy));
                }
                default -> ServiceHttpServer.respondJson(exchange, 404, ServiceHttpServer.error(
                        "use GET /v1/access, POST /v1/access/grant?principal=&role=[&streams=] or POST "
                                + "/v1/access/revoke?principal=[&role=]"));
            }
        } catch (IllegalArgumentException e) {
            ServiceHttpServer.respondJson(exchange, 400, ServiceHttpServer.error(e.getMessage()));
        }
    }

    private static void requirePost(HttpExchange exchange) {
        if (!exchange.getRequestMethod().equals("POST")) {
            throw new IllegalArgumentException("changing the policy takes POST");
        }
    }

    private static String required(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("give ?" + name + "=...");
        }
        return value;
    }

    static ObjectNode describe(AccessPolicy policy) {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode bindings = answer.putArray("bindings");
        for (Binding binding : policy.bindings()) {
            ObjectNode node = bindings.addObject().put("principal", binding.principal()).put("role", binding.role().key());
            ArrayNode streams = node.putArray("streams");
            binding.streams().forEach(streams::add);
        }
        return answer;
    }
}
