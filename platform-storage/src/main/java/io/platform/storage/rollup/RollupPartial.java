package io.platform.storage.rollup;

import java.nio.ByteBuffer;

/**
 * The aggregate state of one series and bucket: rows, and per field the count of non-null values, their sum (exact as
 * a long while every value is whole, a double once one is fractional, as the query engine sums) and their min and max
 * (each kept as the long or double it was). Partials merge in any order. Not thread-safe.
 */
public final class RollupPartial {
    private static final byte NONE = 0;
    private static final byte LONG = 1;
    private static final byte DOUBLE = 2;

    private long rows;
    private final long[] counts;
    private final boolean[] fractional;
    private final long[] longSums;
    private final double[] doubleSums;
    private final Number[] mins;
    private final Number[] maxs;

    public RollupPartial(int fields) {
        counts = new long[fields];
        fractional = new boolean[fields];
        longSums = new long[fields];
        doubleSums = new double[fields];
        mins = new Number[fields];
        maxs = new Number[fields];
    }

    /** One field's part of a partial, as the query engine folds it into its count/sum/min/max/avg. */
    public record Slice(long count, boolean fractional, long longSum, double doubleSum, Number min, Number max) {
    }

    public void addRows(long count) {
        rows += count;
    }

    /** Adds a value of field {@code f}: a Long or Integer (whole) or a Double or Float; null and anything else are skipped. */
    public void add(int f, Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            addLong(f, ((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            addDouble(f, ((Number) value).doubleValue());
        }
    }

    public void addLong(int f, long value) {
        counts[f]++;
        if (fractional[f]) {
            doubleSums[f] += value;
        } else {
            longSums[f] += value;
        }
        offer(f, value);
    }

    public void addDouble(int f, double value) {
        counts[f]++;
        becomeFractional(f);
        doubleSums[f] += value;
        offer(f, value);
    }

    /** Folds {@code other} (of the same definition) into this one. */
    public void merge(RollupPartial other) {
        rows += other.rows;
        for (int f = 0; f < counts.length; f++) {
            if (other.counts[f] == 0) {
                continue;
            }
            counts[f] += other.counts[f];
            if (other.fractional[f]) {
                becomeFractional(f);
                doubleSums[f] += other.doubleSums[f];
            } else if (fractional[f]) {
                doubleSums[f] += other.longSums[f];
            } else {
                longSums[f] += other.longSums[f];
            }
            offer(f, other.mins[f]);
            offer(f, other.maxs[f]);
        }
    }

    private void becomeFractional(int f) {
        if (!fractional[f]) {
            fractional[f] = true;
            doubleSums[f] = longSums[f];
        }
    }

    private void offer(int f, Number value) {
        if (mins[f] == null || compare(value, mins[f]) < 0) {
            mins[f] = value;
        }
        if (maxs[f] == null || compare(value, maxs[f]) > 0) {
            maxs[f] = value;
        }
    }

    /** As the query engine compares numbers: two longs exactly, anything else as doubles. */
    private static int compare(Number a, Number b) {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        return Double.compare(a.doubleValue(), b.doubleValue());
    }

    public long rows() {
        return rows;
    }

    public Slice slice(int f) {
        return new Slice(counts[f], fractional[f], longSums[f], doubleSums[f], mins[f], maxs[f]);
    }

    /** rows:i64 | per field: count:i64 fractional:u8 sum:8 minKind:u8 min:8 maxKind:u8 max:8 */
    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(8 + counts.length * (8 + 1 + 8 + 9 + 9));
        out.putLong(rows);
        for (int f = 0; f < counts.length; f++) {
            out.putLong(counts[f]);
            out.put((byte) (fractional[f] ? 1 : 0));
            out.putLong(fractional[f] ? Double.doubleToRawLongBits(doubleSums[f]) : longSums[f]);
            put(out, mins[f]);
            put(out, maxs[f]);
        }
        return out.array();
    }

    private static void put(ByteBuffer out, Number value) {
        if (value == null) {
            out.put(NONE).putLong(0);
        } else if (value instanceof Long l) {
            out.put(LONG).putLong(l);
        } else {
            out.put(DOUBLE).putLong(Double.doubleToRawLongBits(value.doubleValue()));
        }
    }

    /** Reads a partial written by {@link #toBytes} for a definition of {@code fields} fields. */
    public static RollupPartial fromBytes(byte[] bytes, int fields) {
        RollupPartial partial = new RollupPartial(fields);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        partial.rows = in.getLong();
        for (int f = 0; f < fields; f++) {
            partial.counts[f] = in.getLong();
            partial.fractional[f] = in.get() == 1;
            long sum = in.getLong();
            if (partial.fractional[f]) {
                partial.doubleSums[f] = Double.longBitsToDouble(sum);
            } else {
                partial.longSums[f] = sum;
            }
            partial.mins[f] = get(in);
            partial.maxs[f] = get(in);
        }
        return partial;
    }

    private static Number get(ByteBuffer in) {
        byte kind = in.get();
        long bits = in.getLong();
        return kind == NONE ? null : kind == LONG ? (Number) bits : (Number) Double.longBitsToDouble(bits);
    }
}
