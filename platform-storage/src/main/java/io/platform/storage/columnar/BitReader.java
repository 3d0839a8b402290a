package io.platform.storage.columnar;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads bit fields written by {@link BitWriter}. A field of up to 64 bits is cut out of one 8-byte big-endian load
 * (plus one byte when it straddles), not assembled bit by bit: decoding is most of a column scan. Not thread-safe.
 */
final class BitReader {
    private static final VarHandle LONG_BIG_ENDIAN = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private final byte[] bytes;
    private final long bitLength;
    private long position;

    BitReader(byte[] bytes) {
        this.bytes = bytes;
        this.bitLength = (long) bytes.length << 3;
    }

    /** The next {@code bits} bits (0 to 64) as an unsigned value. */
    long read(int bits) {
        if (bits == 0) {
            return 0;
        }
        long p = position;
        if (p + bits > bitLength) {
            throw new IllegalStateException("column block ends early at bit " + p + ": corrupt segment");
        }
        int index = (int) (p >>> 3);
        int shift = (int) (p & 7);
        long value = (load(index) << shift) >>> (64 - bits);
        int extra = shift + bits - 64;
        if (extra > 0) {
            // the field's last bits are in the ninth byte
            value |= (bytes[index + 8] & 0xff) >>> (8 - extra);
        }
        position = p + bits;
        return value;
    }

    int readBit() {
        long p = position;
        if (p >= bitLength) {
            throw new IllegalStateException("column block ends early at bit " + p + ": corrupt segment");
        }
        position = p + 1;
        return (bytes[(int) (p >>> 3)] >>> (7 - (int) (p & 7))) & 1;
    }

    /** Eight bytes from {@code index}, big-endian, zeros past the end. */
    private long load(int index) {
        if (index + 8 <= bytes.length) {
            return (long) LONG_BIG_ENDIAN.get(bytes, index);
        }
        long word = 0;
        for (int i = 0; i < 8; i++) {
            word = (word << 8) | (index + i < bytes.length ? bytes[index + i] & 0xff : 0);
        }
        return word;
    }
}
