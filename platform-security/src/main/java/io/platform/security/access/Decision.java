package io.platform.security.access;

import java.util.Locale;

/**
 * The answer to an access check. A refusal says who asked, for what, and which grant would allow it, in words a
 * client can act on; the same text goes to the audit log.
 *
 * @param allowed   whether the request may proceed
 * @param principal who asked
 * @param action    what they asked to do
 * @param resource  the stream, or {@link Resource#NODE}
 * @param reason    empty when allowed; otherwise the refusal and the grant that would allow it
 */
public record Decision(boolean allowed, String principal, Action action, String resource, String reason) {
    static final Decision ALLOWED = new Decision(true, "", Action.QUERY, "", "");

    static Decision refused(String principal, Action action, String resource) {
        Role role = weakestRoleWith(action);
        String grant = "platform access grant " + principal + " " + role.key()
                + (role == Role.ADMIN ? "" : " --stream " + resource);
        String what = action.perStream() ? action.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " on stream '" + resource + "'"
                : action.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " on this node";
        return new Decision(false, principal, action, resource,
                "principal '" + principal + "' may not " + what + "; an admin can allow it with: " + grant);
    }

    /** The role with the fewest actions that includes {@code action}. */
    private static Role weakestRoleWith(Action action) {
        Role weakest = Role.ADMIN;
        for (Role role : Role.values()) {
            if (role.actions().contains(action) && role.actions().size() < weakest.actions().size()) {
                weakest = role;
            }
        }
        return weakest;
    }
}
