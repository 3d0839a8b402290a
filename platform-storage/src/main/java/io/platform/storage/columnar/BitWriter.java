package io.platform.storage.columnar;

import java.util.Arrays;

/** Appends bit fields, most significant bit first, to a growing byte array. Not thread-safe. */
final class BitWriter {
    private byte[] bytes = new byte[256];
    private long bitLength;

    void write(long value, int bits) {
        for (int i = bits - 1; i >= 0; i--) {
            writeBit((value >>> i) & 1);
        }
    }

    void writeBit(long bit) {
        int index = (int) (bitLength >>> 3);
        if (index == bytes.length) {
            bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
        if (bit != 0) {
            bytes[index] |= (byte) (0x80 >>> (bitLength & 7));
        }
        bitLength++;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, (int) ((bitLength + 7) >>> 3));
    }
}
