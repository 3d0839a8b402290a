package io.platform.security.access;

import java.util.List;

/**
 * One grant of a policy: a principal (a client certificate's name, or {@code *} for every authenticated client) has
 * a role on some streams. A stream pattern is a name, {@code *} for every stream, or a prefix ending in {@code *}
 * ({@code sensors.*}).
 *
 * @param principal who
 * @param role      what they may do
 * @param streams   where; empty for node-wide roles such as admin, which apply everywhere
 */
public record Binding(String principal, Role role, List<String> streams) {
    public Binding {
        streams = List.copyOf(streams);
    }
}
