package io.platform.storage.cold;

import java.util.Arrays;

/**
 * A systematic Reed-Solomon code with {@code dataShards} data and {@code parityShards} parity shards over GF(256):
 * the data shards are stored as they are, and any {@code dataShards} of the {@code dataShards + parityShards} shards
 * rebuild the rest. The coding matrix is a Vandermonde matrix multiplied by the inverse of its top square, so its top
 * is the identity and every square subset of rows stays invertible. Thread-safe (immutable after construction).
 */
public final class ReedSolomon {
    private final int dataShards;
    private final int parityShards;
    private final int[][] matrix;

    public ReedSolomon(int dataShards, int parityShards) {
        if (dataShards < 1 || parityShards < 1 || dataShards + parityShards > 256) {
            throw new IllegalArgumentException("need 1 <= k, 1 <= m and k + m <= 256, got k=" + dataShards + " m=" + parityShards);
        }
        this.dataShards = dataShards;
        this.parityShards = parityShards;
        int total = dataShards + parityShards;
        int[][] vandermonde = new int[total][dataShards];
        for (int r = 0; r < total; r++) {
            for (int c = 0; c < dataShards; c++) {
                vandermonde[r][c] = Galois256.power(r, c);
            }
        }
        int[][] top = new int[dataShards][];
        System.arraycopy(vandermonde, 0, top, 0, dataShards);
        this.matrix = multiply(vandermonde, Galois256.invert(top));
    }

    public int dataShards() {
        return dataShards;
    }

    public int parityShards() {
        return parityShards;
    }

    /** Fills the parity shards ({@code shards[k..k+m)}) from the data shards; all shards have {@code size} bytes. */
    public void encode(byte[][] shards, int size) {
        byte[][] inputs = new byte[dataShards][];
        System.arraycopy(shards, 0, inputs, 0, dataShards);
        for (int p = 0; p < parityShards; p++) {
            combine(matrix[dataShards + p], inputs, shards[dataShards + p], size);
        }
    }

    /**
     * Rebuilds the missing shards in place.
     *
     * @param present which shards hold valid data; missing ones must be allocated with {@code size} bytes
     * @throws IllegalArgumentException when fewer than {@code dataShards} shards are present
     */
    public void reconstruct(byte[][] shards, boolean[] present, int size) {
        int available = 0;
        for (boolean p : present) {
            available += p ? 1 : 0;
        }
        if (available < dataShards) {
            throw new IllegalArgumentException("only " + available + " of " + (dataShards + parityShards)
                    + " shards are readable; " + dataShards + " are needed to rebuild the data");
        }
        boolean dataMissing = false;
        for (int i = 0; i < dataShards; i++) {
            dataMissing |= !present[i];
        }
        if (dataMissing) {
            int[][] rows = new int[dataShards][];
            byte[][] inputs = new byte[dataShards][];
            for (int i = 0, used = 0; used < dataShards; i++) {
                if (present[i]) {
                    rows[used] = matrix[i];
                    inputs[used] = shards[i];
                    used++;
                }
            }
            int[][] decode = Galois256.invert(rows);
            for (int d = 0; d < dataShards; d++) {
                if (!present[d]) {
                    combine(decode[d], inputs, shards[d], size);
                }
            }
        }
        byte[][] data = new byte[dataShards][];
        System.arraycopy(shards, 0, data, 0, dataShards);
        for (int p = 0; p < parityShards; p++) {
            if (!present[dataShards + p]) {
                combine(matrix[dataShards + p], data, shards[dataShards + p], size);
            }
        }
    }

    /** output = sum over i of coefficients[i] * inputs[i], byte by byte. */
    private static void combine(int[] coefficients, byte[][] inputs, byte[] output, int size) {
        Arrays.fill(output, 0, size, (byte) 0);
        for (int i = 0; i < inputs.length; i++) {
            byte[] table = Galois256.MUL[coefficients[i]];
            byte[] input = inputs[i];
            for (int b = 0; b < size; b++) {
                output[b] ^= table[input[b] & 0xff];
            }
        }
    }

    private static int[][] multiply(int[][] a, int[][] b) {
        int[][] out = new int[a.length][b[0].length];
        for (int r = 0; r < a.length; r++) {
            for (int c = 0; c < b[0].length; c++) {
                int sum = 0;
                for (int i = 0; i < b.length; i++) {
                    sum ^= Galois256.multiply(a[r][i], b[i][c]);
                }
                out[r][c] = sum;
            }
        }
        return out;
    }
}
