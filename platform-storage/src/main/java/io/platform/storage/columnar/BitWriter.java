package io.platform.storage.columnar;

import java.util.Arrays;

/** Appends bit fields, most significant bit first, to a growing byte array. Not thread-safe. */
final class BitWriter {
    private byte[] bytes = new byte[256];
    private long bitLength;

    /** Appends the low {@code bits} bits (0 to 64) of {@code value}, a byte's worth at a time. */
    void write(long value, int bits) {
        int needed = (int) ((bitLength + bits + 7) >>> 3);
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, needed));
        }
        while (bits > 0) {
            int index = (int) (bitLength >>> 3);
            int free = 8 - (int) (bitLength & 7);
            int take = Math.min(free, bits);
            int chunk = (int) ((value >>> (bits - take)) & ((1 << take) - 1));
            bytes[index] |= (byte) (chunk << (free - take));
            bitLength += take;
            bits -= take;
        }
    }

    void writeBit(long bit) {
        write(bit & 1, 1);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, (int) ((bitLength + 7) >>> 3));
    }
}
