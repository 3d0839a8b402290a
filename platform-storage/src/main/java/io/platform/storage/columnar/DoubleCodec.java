package io.platform.storage.columnar;

/**
 * Gorilla XOR encoding of doubles: each value is XORed with the previous one; an unchanged value costs one bit, and
 * a change within the previous value's meaningful-bit window costs {@code 2 + window} bits. Stateless; thread-safe.
 */
public final class DoubleCodec {
    private DoubleCodec() {
    }

    public static byte[] encode(double[] values, int count) {
        BitWriter out = new BitWriter();
        if (count == 0) {
            return out.toByteArray();
        }
        long previous = Double.doubleToRawLongBits(values[0]);
        out.write(previous, 64);
        int previousLeading = -1;
        int previousTrailing = 0;
        for (int i = 1; i < count; i++) {
            long bits = Double.doubleToRawLongBits(values[i]);
            long xor = bits ^ previous;
            previous = bits;
            if (xor == 0) {
                out.writeBit(0);
                continue;
            }
            out.writeBit(1);
            int leading = Math.min(Long.numberOfLeadingZeros(xor), 31);
            int trailing = Long.numberOfTrailingZeros(xor);
            if (previousLeading >= 0 && leading >= previousLeading && trailing >= previousTrailing) {
                out.writeBit(0);
                out.write(xor >>> previousTrailing, 64 - previousLeading - previousTrailing);
            } else {
                int meaningful = 64 - leading - trailing;
                out.writeBit(1);
                out.write(leading, 5);
                // 64 meaningful bits are stored as 0: six bits hold 0..63
                out.write(meaningful == 64 ? 0 : meaningful, 6);
                out.write(xor >>> trailing, meaningful);
                previousLeading = leading;
                previousTrailing = trailing;
            }
        }
        return out.toByteArray();
    }

    public static double[] decode(byte[] bytes, int count) {
        double[] values = new double[count];
        if (count == 0) {
            return values;
        }
        BitReader in = new BitReader(bytes);
        long previous = in.read(64);
        values[0] = Double.longBitsToDouble(previous);
        int leading = 0;
        int trailing = 0;
        for (int i = 1; i < count; i++) {
            if (in.readBit() == 0) {
                values[i] = Double.longBitsToDouble(previous);
                continue;
            }
            if (in.readBit() == 1) {
                leading = (int) in.read(5);
                int meaningful = (int) in.read(6);
                if (meaningful == 0) {
                    meaningful = 64;
                }
                trailing = 64 - leading - meaningful;
            }
            long xor = in.read(64 - leading - trailing) << trailing;
            previous ^= xor;
            values[i] = Double.longBitsToDouble(previous);
        }
        return values;
    }
}
