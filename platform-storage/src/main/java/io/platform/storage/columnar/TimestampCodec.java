package io.platform.storage.columnar;

/**
 * Delta-of-delta timestamp encoding from Facebook's Gorilla paper: regular intervals cost one bit per value. The
 * first value is stored whole, the first delta in 64 bits, then each delta-of-delta D in the smallest bucket:
 * {@code 0} (D = 0), {@code 10}+7 bits, {@code 110}+9 bits, {@code 1110}+12 bits, {@code 1111}+64 bits.
 * Stateless; thread-safe.
 */
public final class TimestampCodec {
    private TimestampCodec() {
    }

    public static byte[] encode(long[] values, int count) {
        BitWriter out = new BitWriter();
        if (count == 0) {
            return out.toByteArray();
        }
        out.write(values[0], 64);
        if (count == 1) {
            return out.toByteArray();
        }
        long previousDelta = values[1] - values[0];
        out.write(previousDelta, 64);
        for (int i = 2; i < count; i++) {
            long delta = values[i] - values[i - 1];
            long dod = delta - previousDelta;
            previousDelta = delta;
            if (dod == 0) {
                out.writeBit(0);
            } else if (dod >= -63 && dod <= 64) {
                out.write(0b10, 2);
                out.write(dod & 0x7f, 7);
            } else if (dod >= -255 && dod <= 256) {
                out.write(0b110, 3);
                out.write(dod & 0x1ff, 9);
            } else if (dod >= -2047 && dod <= 2048) {
                out.write(0b1110, 4);
                out.write(dod & 0xfff, 12);
            } else {
                out.write(0b1111, 4);
                out.write(dod, 64);
            }
        }
        return out.toByteArray();
    }

    public static long[] decode(byte[] bytes, int count) {
        long[] values = new long[count];
        if (count == 0) {
            return values;
        }
        BitReader in = new BitReader(bytes);
        values[0] = in.read(64);
        if (count == 1) {
            return values;
        }
        long delta = in.read(64);
        values[1] = values[0] + delta;
        for (int i = 2; i < count; i++) {
            long dod;
            if (in.readBit() == 0) {
                dod = 0;
            } else if (in.readBit() == 0) {
                dod = signExtend(in.read(7), 7);
            } else if (in.readBit() == 0) {
                dod = signExtend(in.read(9), 9);
            } else if (in.readBit() == 0) {
                dod = signExtend(in.read(12), 12);
            } else {
                dod = in.read(64);
            }
            delta += dod;
            values[i] = values[i - 1] + delta;
        }
        return values;
    }

    /** Buckets are asymmetric (-63..64): values above the positive range wrap to negatives and back. */
    private static long signExtend(long value, int bits) {
        long max = 1L << (bits - 1);
        return value > max ? value - (1L << bits) : value;
    }
}
