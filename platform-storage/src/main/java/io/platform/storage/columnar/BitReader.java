package io.platform.storage.columnar;

/** Reads bit fields written by {@link BitWriter}. Not thread-safe. */
final class BitReader {
    private final byte[] bytes;
    private long position;

    BitReader(byte[] bytes) {
        this.bytes = bytes;
    }

    long read(int bits) {
        long value = 0;
        for (int i = 0; i < bits; i++) {
            value = (value << 1) | readBit();
        }
        return value;
    }

    int readBit() {
        int index = (int) (position >>> 3);
        if (index >= bytes.length) {
            throw new IllegalStateException("column block ends early at bit " + position + ": corrupt segment");
        }
        int bit = (bytes[index] >>> (7 - (position & 7))) & 1;
        position++;
        return bit;
    }
}
