package io.platform.ingest.schema;

import io.platform.wire.schema.StreamSchema;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * Schema evolution rules, with Confluent Schema Registry's names and meaning. BACKWARD: consumers on the new schema
 * read data written with the previous one. FORWARD: consumers on the previous schema read data written with the new
 * one. FULL: both. The TRANSITIVE forms check against every earlier version instead of the latest only. NONE: no check.
 */
public enum Compatibility {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    Compatibility(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** The rule named {@code name} (any case). */
    public static Compatibility parse(String name) throws IncompatibleSchemaException {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IncompatibleSchemaException("unknown compatibility '" + name + "': use one of " + List.of(values()));
        }
    }

    /**
     * Checks a candidate schema against the existing versions (oldest first).
     *
     * @return null when compatible, else the reason naming the version it breaks and how
     */
    public String violation(Schema candidate, List<StreamSchema> versions) {
        if (versions.isEmpty() || this == NONE) {
            return null;
        }
        List<StreamSchema> against = transitive ? versions : versions.subList(versions.size() - 1, versions.size());
        for (int i = against.size() - 1; i >= 0; i--) {
            StreamSchema existing = against.get(i);
            if (backward) {
                String problem = problem(candidate, existing.schema());
                if (problem != null) {
                    return "rule=" + this + " version=" + existing.version()
                            + ": the new schema cannot read data written with it: " + problem;
                }
            }
            if (forward) {
                String problem = problem(existing.schema(), candidate);
                if (problem != null) {
                    return "rule=" + this + " version=" + existing.version()
                            + ": it cannot read data written with the new schema: " + problem;
                }
            }
        }
        return null;
    }

    private static String problem(Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (SchemaCompatibility.Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            if (out.length() > 0) {
                out.append("; ");
            }
            out.append(incompatibility.getType()).append(" at ").append(incompatibility.getLocation())
                    .append(" (").append(incompatibility.getMessage()).append(")");
        }
        return out.toString();
    }
}
