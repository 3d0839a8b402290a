package io.platform.security.access;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a principal may take an action on a resource, by the current {@link AccessPolicy}. Decisions are
 * cached per principal, action and resource, so a repeated check is two hash lookups and an array read with no
 * allocation; {@link #update} swaps the policy and the whole cache at once, so no decision of an older policy is ever
 * served after it returns. Thread-safe: checks run on any thread, concurrently with an update.
 */
public final class Authorizer {
    /** The principal of requests when security is off; allowed everything by {@link #allowAll()}. */
    public static final String ANONYMOUS = "anonymous";

    private volatile Decisions decisions;

    private Authorizer(AccessPolicy policy, boolean allowAll) {
        this.decisions = new Decisions(policy, allowAll);
    }

    /** An authorizer by {@code policy}. */
    public static Authorizer of(AccessPolicy policy) {
        return new Authorizer(policy, false);
    }

    /** The authorizer of a node without security: everything is allowed, and no policy is consulted. */
    public static Authorizer allowAll() {
        return new Authorizer(AccessPolicy.empty(), true);
    }

    /** Replaces the policy; every later check decides by the new one. */
    public void update(AccessPolicy policy) {
        decisions = new Decisions(policy, decisions.allowAll);
    }

    public AccessPolicy policy() {
        return decisions.policy;
    }

    /** True when {@code principal} may take {@code action} on {@code resource} (a stream, or {@link Resource#NODE}). */
    public boolean allows(String principal, Action action, String resource) {
        return decisions.allows(principal, action, action.perStream() ? resource : Resource.NODE);
    }

    /** The same check as {@link #allows}, with what to tell the client and the audit log when it is refused. */
    public Decision decide(String principal, Action action, String resource) {
        String checked = action.perStream() ? resource : Resource.NODE;
        return allows(principal, action, checked) ? Decision.ALLOWED : Decision.refused(principal, action, checked);
    }

    /** One policy's decisions, cached as they are asked for. */
    private static final class Decisions {
        private static final int MAX_CACHED_RESOURCES = 100_000;

        private final AccessPolicy policy;
        private final boolean allowAll;
        /** principal -> action -> resource -> allowed */
        private final Map<String, EnumMap<Action, Map<String, Boolean>>> cache = new ConcurrentHashMap<>();

        Decisions(AccessPolicy policy, boolean allowAll) {
            this.policy = policy;
            this.allowAll = allowAll;
        }

        boolean allows(String principal, Action action, String resource) {
            if (allowAll) {
                return true;
            }
            EnumMap<Action, Map<String, Boolean>> byAction = cache.get(principal);
            if (byAction == null) {
                byAction = cache.computeIfAbsent(principal, p -> {
                    EnumMap<Action, Map<String, Boolean>> actions = new EnumMap<>(Action.class);
                    for (Action a : Action.values()) {
                        actions.put(a, new ConcurrentHashMap<>());
                    }
                    return actions;
                });
            }
            // the EnumMap is filled once before it is published by computeIfAbsent and never changed after
            Map<String, Boolean> byResource = byAction.get(action);
            Boolean cached = byResource.get(resource);
            if (cached != null) {
                return cached;
            }
            boolean allowed = policy.allows(principal, action, resource);
            // resource names come from requests: past a bound, decide without caching rather than grow without end
            if (byResource.size() < MAX_CACHED_RESOURCES) {
                byResource.put(resource, allowed);
            }
            return allowed;
        }
    }
}
