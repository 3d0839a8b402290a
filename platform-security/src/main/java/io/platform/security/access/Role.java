package io.platform.security.access;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The roles a binding grants, each a fixed set of {@link Action actions}. */
public enum Role {
    /** Everything, on every stream. */
    ADMIN(EnumSet.allOf(Action.class)),
    /** Register schemas and ingest into its streams; see and replay their dead letters. */
    WRITER(EnumSet.of(Action.INGEST, Action.REGISTER_SCHEMA, Action.READ_DEAD_LETTERS, Action.REPLAY_DEAD_LETTERS)),
    /** Query its streams; PII fields read as NULL. */
    READER(EnumSet.of(Action.QUERY)),
    /** A reader that also sees PII fields in clear. */
    PII_READER(EnumSet.of(Action.QUERY, Action.READ_PII)),
    /** Run SQL jobs and materialized views over its streams; jar jobs stay admin-only. */
    JOB_SUBMITTER(EnumSet.of(Action.QUERY, Action.RUN_SQL_JOBS));

    private final Set<Action> actions;

    Role(Set<Action> actions) {
        this.actions = actions;
    }

    /** The actions this role allows. */
    public Set<Action> actions() {
        return actions;
    }

    /** The name written in policy files and on the command line: {@code pii-reader}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A role from its {@link #key()}; the error lists the roles there are. */
    public static Role parse(String key) {
        for (Role role : values()) {
            if (role.key().equals(key)) {
                return role;
            }
        }
        throw new IllegalArgumentException("'" + key + "' is not a role: use admin, writer, reader, pii-reader or job-submitter");
    }
}
