package io.platform.security.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bindings of a policy file, indexed by principal. Immutable and thread-safe. The file's form:
 * {@code {"bindings":[{"principal":"ingest-svc","role":"writer","streams":["readings"]},{"principal":"ops","role":"admin"}]}}.
 */
public final class AccessPolicy {
    /** A principal in a binding that matches every authenticated client. */
    public static final String ANY_PRINCIPAL = "*";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "[A-Za-z0-9_.@:-]+";

    private final List<Binding> bindings;
    private final Map<String, List<Binding>> byPrincipal;
    /** principal -> action -> the streams it may take the action on: compiled once, so a check never scans bindings */
    private final Map<String, EnumMap<Action, StreamSet>> grants;

    private AccessPolicy(List<Binding> bindings) {
        this.bindings = List.copyOf(bindings);
        Map<String, List<Binding>> index = new HashMap<>();
        Map<String, EnumMap<Action, StreamSet>> compiled = new HashMap<>();
        for (Binding binding : this.bindings) {
            index.computeIfAbsent(binding.principal(), p -> new ArrayList<>()).add(binding);
            EnumMap<Action, StreamSet> byAction = compiled.computeIfAbsent(binding.principal(), p -> new EnumMap<>(Action.class));
            for (Action action : binding.role().actions()) {
                StreamSet streams = byAction.computeIfAbsent(action, a -> new StreamSet());
                if (binding.streams().isEmpty()) {
                    streams.addAll();
                } else {
                    binding.streams().forEach(streams::add);
                }
            }
        }
        index.replaceAll((p, list) -> List.copyOf(list));
        this.byPrincipal = Collections.unmodifiableMap(index);
        this.grants = compiled;
    }

    /** A policy of these bindings, each checked as a file's would be. */
    public static AccessPolicy of(List<Binding> bindings) {
        for (int i = 0; i < bindings.size(); i++) {
            check(bindings.get(i), i + 1);
        }
        return new AccessPolicy(bindings);
    }

    /** A policy granting nothing: every request is refused. */
    public static AccessPolicy empty() {
        return new AccessPolicy(List.of());
    }

    /**
     * Parses a policy file's text.
     *
     * @throws IllegalArgumentException naming the binding (1-based) and what is wrong with it
     */
    public static AccessPolicy parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON (line " + e.getLocation().getLineNr() + "): " + e.getOriginalMessage());
        }
        JsonNode array = root == null ? null : root.get("bindings");
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("expected {\"bindings\":[...]}, e.g."
                    + " {\"bindings\":[{\"principal\":\"ops\",\"role\":\"admin\"}]}");
        }
        List<Binding> bindings = new ArrayList<>();
        for (JsonNode node : array) {
            int index = bindings.size() + 1;
            String principal = node.path("principal").asText("");
            Role role;
            try {
                role = Role.parse(node.path("role").asText(""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("binding " + index + ": " + e.getMessage(), e);
            }
            List<String> streams = new ArrayList<>();
            for (JsonNode stream : node.path("streams")) {
                streams.add(stream.asText());
            }
            Binding binding = new Binding(principal, role, streams);
            check(binding, index);
            bindings.add(binding);
        }
        return new AccessPolicy(bindings);
    }

    private static void check(Binding binding, int index) {
        if (!binding.principal().equals(ANY_PRINCIPAL) && !binding.principal().matches(NAME)) {
            throw new IllegalArgumentException("binding " + index + ": principal '" + binding.principal()
                    + "' must be a certificate name (letters, digits, _ . @ : -) or * for every client");
        }
        if (binding.role() == Role.ADMIN && !(binding.streams().isEmpty() || binding.streams().equals(List.of(Resource.NODE)))) {
            throw new IllegalArgumentException("binding " + index + ": admin applies to every stream; leave out \"streams\"");
        }
        if (binding.role() != Role.ADMIN && binding.streams().isEmpty()) {
            throw new IllegalArgumentException("binding " + index + ": role " + binding.role().key()
                    + " needs \"streams\", e.g. [\"readings\"], [\"sensors.*\"] or [\"*\"]");
        }
        for (String stream : binding.streams()) {
            String name = stream.endsWith("*") ? stream.substring(0, stream.length() - 1) : stream;
            if (!name.isEmpty() && !name.matches(NAME)) {
                throw new IllegalArgumentException("binding " + index + ": '" + stream + "' is not a stream name or pattern");
            }
        }
    }

    /** The bindings of {@code principal} itself (not those of {@link #ANY_PRINCIPAL}). */
    public List<Binding> bindingsOf(String principal) {
        return byPrincipal.getOrDefault(principal, List.of());
    }

    public List<Binding> bindings() {
        return bindings;
    }

    /** True when some binding of {@code principal} (or of every client) allows {@code action} on {@code resource}. */
    boolean allows(String principal, Action action, String resource) {
        return allows(grants.get(principal), action, resource) || allows(grants.get(ANY_PRINCIPAL), action, resource);
    }

    private static boolean allows(EnumMap<Action, StreamSet> byAction, Action action, String resource) {
        StreamSet streams = byAction == null ? null : byAction.get(action);
        return streams != null && streams.contains(resource);
    }

    /** This policy with one more binding. */
    public AccessPolicy with(Binding binding) {
        check(binding, bindings.size() + 1);
        List<Binding> all = new ArrayList<>(bindings);
        all.add(binding);
        return new AccessPolicy(all);
    }

    /** This policy without {@code principal}'s bindings of {@code role} (every role when null). */
    public AccessPolicy without(String principal, Role role) {
        List<Binding> kept = new ArrayList<>();
        for (Binding binding : bindings) {
            if (!binding.principal().equals(principal) || role != null && binding.role() != role) {
                kept.add(binding);
            }
        }
        return new AccessPolicy(kept);
    }

    /** The policy file's text, one binding per line (each written by Jackson), so a change reads as a one-line diff. */
    public String toJson() {
        StringBuilder out = new StringBuilder("{\"bindings\":[");
        for (int i = 0; i < bindings.size(); i++) {
            Binding binding = bindings.get(i);
            ObjectNode node = JSON.createObjectNode().put("principal", binding.principal()).put("role", binding.role().key());
            if (!binding.streams().isEmpty()) {
                ArrayNode streams = node.putArray("streams");
                binding.streams().forEach(streams::add);
            }
            out.append(i == 0 ? "\n  " : ",\n  ").append(node);
        }
        return out.append("\n]}\n").toString();
    }
}
