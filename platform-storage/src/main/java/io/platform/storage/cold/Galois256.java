package io.platform.storage.cold;

/**
 * Arithmetic in GF(2^8) with the primitive polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), the field most Reed-Solomon
 * storage codes use. A full 256 x 256 product table (64 KiB) makes the coding loops one lookup per byte.
 * Immutable; thread-safe.
 */
final class Galois256 {
    private static final int POLYNOMIAL = 0x11D;
    static final byte[] EXP = new byte[512];
    static final int[] LOG = new int[256];
    static final byte[][] MUL = new byte[256][256];

    static {
        int x = 1;
        for (int i = 0; i < 255; i++) {
            EXP[i] = (byte) x;
            LOG[x] = i;
            x <<= 1;
            if ((x & 0x100) != 0) {
                x ^= POLYNOMIAL;
            }
        }
        for (int i = 255; i < 512; i++) {
            EXP[i] = EXP[i - 255];
        }
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                MUL[a][b] = a == 0 || b == 0 ? 0 : EXP[LOG[a] + LOG[b]];
            }
        }
    }

    private Galois256() {
    }

    static int multiply(int a, int b) {
        return MUL[a & 0xff][b & 0xff] & 0xff;
    }

    static int inverse(int a) {
        if (a == 0) {
            throw new ArithmeticException("0 has no inverse in GF(256)");
        }
        return EXP[255 - LOG[a]] & 0xff;
    }

    /** a^n with 0^0 = 1. */
    static int power(int a, int n) {
        if (n == 0) {
            return 1;
        }
        if (a == 0) {
            return 0;
        }
        return EXP[(LOG[a] * n) % 255] & 0xff;
    }

    /** Inverts a square matrix by Gauss-Jordan elimination; throws when it is singular. */
    static int[][] invert(int[][] matrix) {
        int n = matrix.length;
        int[][] work = new int[n][2 * n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(matrix[r], 0, work[r], 0, n);
            work[r][n + r] = 1;
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            while (pivot < n && work[pivot][col] == 0) {
                pivot++;
            }
            if (pivot == n) {
                throw new ArithmeticException("singular matrix");
            }
            int[] swap = work[col];
            work[col] = work[pivot];
            work[pivot] = swap;
            int scale = inverse(work[col][col]);
            for (int c = 0; c < 2 * n; c++) {
                work[col][c] = multiply(work[col][c], scale);
            }
            for (int r = 0; r < n; r++) {
                if (r != col && work[r][col] != 0) {
                    int factor = work[r][col];
                    for (int c = 0; c < 2 * n; c++) {
                        work[r][c] ^= multiply(factor, work[col][c]);
                    }
                }
            }
        }
        int[][] inverse = new int[n][n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(work[r], n, inverse[r], 0, n);
        }
        return inverse;
    }
}
