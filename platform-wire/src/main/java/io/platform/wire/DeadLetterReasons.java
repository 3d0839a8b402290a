package io.platform.wire;

import java.util.Locale;

/**
 * Sorts the free-text reason of a dead letter into a small fixed set of classes, for metrics: a per-reason counter
 * with the full text as a label would grow without bound (every field name, every parser message).
 */
public final class DeadLetterReasons {
    /** Every class {@link #classify} returns. */
    public static final String[] CLASSES = {"malformed_json", "not_an_object", "missing_field", "unknown_field", "wrong_type",
            "unknown_schema", "bad_encoding", "late_event", "other"};

    private DeadLetterReasons() {
    }

    public static String classify(String reason) {
        if (reason == null) {
            return "other";
        }
        String r = reason.toLowerCase(Locale.ROOT);
        if (r.startsWith("malformed json") || r.startsWith("unreadable json") || r.startsWith("unreadable payload")) {
            return "malformed_json";
        }
        if (r.startsWith("event must be a json object")) {
            return "not_an_object";
        }
        if (r.startsWith("missing field")) {
            return "missing_field";
        }
        if (r.startsWith("unknown field")) {
            return "unknown_field";
        }
        if (r.startsWith("field '")) {
            return "wrong_type";
        }
        if (r.startsWith("schema id=") || r.contains("not a registered schema")) {
            return "unknown_schema";
        }
        if (r.startsWith("avro body") || r.startsWith("frame too short") || r.contains("magic byte")) {
            return "bad_encoding";
        }
        if (r.contains("late")) {
            return "late_event";
        }
        return "other";
    }
}
