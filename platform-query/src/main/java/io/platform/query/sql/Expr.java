package io.platform.query.sql;

import java.util.List;
import java.util.Locale;

/** An expression of the SQL subset. Immutable. */
public sealed interface Expr {
    /** Character position (1-based) in the query text, for error messages. */
    int position();

    /** The text a column gets as its name when it has no alias. */
    String label();

    /** A column, {@code name} or qualified {@code alias.name}; it is output under its name without the qualifier. */
    record Column(String name, int position) implements Expr {
        @Override
        public String label() {
            int dot = name.lastIndexOf('.');
            return dot < 0 ? name : name.substring(dot + 1);
        }
    }

    record Literal(Object value, int position) implements Expr {
        @Override
        public String label() {
            return String.valueOf(value);
        }
    }

    /** {@code count(*)} has a single {@link Star} argument. */
    record Call(String function, List<Expr> args, int position) implements Expr {
        public Call {
            function = function.toLowerCase(Locale.ROOT);
            args = List.copyOf(args);
        }

        public boolean isAggregate() {
            return switch (function) {
                case "count", "sum", "min", "max", "avg" -> true;
                default -> false;
            };
        }

        @Override
        public String label() {
            StringBuilder out = new StringBuilder(function).append('(');
            for (int i = 0; i < args.size(); i++) {
                out.append(i > 0 ? ", " : "").append(args.get(i).label());
            }
            return out.append(')').toString();
        }
    }

    record Star(int position) implements Expr {
        @Override
        public String label() {
            return "*";
        }
    }
}
