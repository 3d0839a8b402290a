package io.platform.query.stats;

import java.util.HashSet;

/**
 * A HyperLogLog sketch of distinct values: 2^11 one-byte registers (2 KiB), about 2.3% standard error, mergeable (the
 * union of two sets is the register-wise max). Up to {@value #EXACT_LIMIT} distinct values it also keeps their hashes
 * and counts them exactly (series keys, enums: the small counts a planner multiplies). Values are hashed to 64 bits;
 * longs, doubles and strings of equal value hash alike within their type. Not thread-safe.
 */
public final class DistinctCounter {
    private static final int P = 11;
    private static final int M = 1 << P;
    private static final double ALPHA = 0.7213 / (1 + 1.079 / M);

    private static final int EXACT_LIMIT = 256;

    private final byte[] registers = new byte[M];
    // the distinct hashes while there are few (null once there were more than EXACT_LIMIT)
    private HashSet<Long> exact = new HashSet<>();

    public void addLong(long value) {
        addHash(mix(value ^ 0x9E3779B97F4A7C15L));
    }

    public void addDouble(double value) {
        // +0.0 and -0.0 compare equal in SQL: one value
        addHash(mix(Double.doubleToLongBits(value == 0 ? 0.0 : value) * 0x9E3779B97F4A7C15L));
    }

    public void addString(String value) {
        long h = 0xcbf29ce484222325L; // FNV-1a over the chars, then mixed: String.hashCode's 32 bits are too few
        for (int i = 0; i < value.length(); i++) {
            h = (h ^ value.charAt(i)) * 0x100000001b3L;
        }
        addHash(mix(h));
    }

    private void addHash(long hash) {
        if (exact != null && exact.add(hash) && exact.size() > EXACT_LIMIT) {
            exact = null;
        }
        int index = (int) (hash >>> (64 - P));
        int rank = Long.numberOfLeadingZeros((hash << P) | (1L << (P - 1))) + 1;
        if (rank > registers[index]) {
            registers[index] = (byte) rank;
        }
    }

    /** Folds {@code other} in: this then counts the union. */
    public void merge(DistinctCounter other) {
        if (exact != null && other.exact != null) {
            exact.addAll(other.exact);
            if (exact.size() > EXACT_LIMIT) {
                exact = null;
            }
        } else {
            exact = null;
        }
        for (int i = 0; i < M; i++) {
            if (other.registers[i] > registers[i]) {
                registers[i] = other.registers[i];
            }
        }
    }

    /** The estimated number of distinct values added. */
    public long estimate() {
        if (exact != null) {
            return exact.size();
        }
        double sum = 0;
        int zeros = 0;
        for (byte register : registers) {
            sum += 1.0 / (1L << register);
            if (register == 0) {
                zeros++;
            }
        }
        double raw = ALPHA * M * M / sum;
        if (raw <= 2.5 * M && zeros > 0) {
            raw = M * Math.log((double) M / zeros); // linear counting: exact-ish for small sets
        }
        return Math.round(raw);
    }

    /** Murmur3's 64-bit finalizer: spreads every input bit over the output. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
