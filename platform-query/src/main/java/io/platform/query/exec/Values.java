package io.platform.query.exec;

import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.util.Utf8;

/** Value conversions and SQL comparison semantics shared by filters, grouping and sorting. */
final class Values {
    private Values() {
    }

    /** Avro runtime values to plain Java: Utf8 and enum symbols to String, int to long, float to double. */
    static Object normalize(Object value) {
        if (value instanceof Utf8 || value instanceof GenericEnumSymbol<?>) {
            return value.toString();
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        return value;
    }

    /** Compares two values; numbers numerically, everything else as text. Nulls sort first. */
    static int compare(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        return a.toString().compareTo(b.toString());
    }
}
