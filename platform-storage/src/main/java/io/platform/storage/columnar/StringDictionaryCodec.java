package io.platform.storage.columnar;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dictionary encoding of strings: the distinct values once, then one variable-length code per row. Series keys and
 * tags repeat heavily, so a row usually costs one byte. Stateless; thread-safe.
 * <pre>distinct:varint | (length:varint | UTF-8)* | code:varint per row</pre>
 */
public final class StringDictionaryCodec {
    private StringDictionaryCodec() {
    }

    public static byte[] encode(String[] values, int count) {
        Map<String, Integer> codes = new HashMap<>();
        List<String> dictionary = new ArrayList<>();
        int[] rowCodes = new int[count];
        for (int i = 0; i < count; i++) {
            String v = values[i] == null ? "" : values[i];
            Integer code = codes.get(v);
            if (code == null) {
                code = dictionary.size();
                codes.put(v, code);
                dictionary.add(v);
            }
            rowCodes[i] = code;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, dictionary.size());
        for (String entry : dictionary) {
            byte[] bytes = entry.getBytes(StandardCharsets.UTF_8);
            writeVarint(out, bytes.length);
            out.write(bytes, 0, bytes.length);
        }
        for (int code : rowCodes) {
            writeVarint(out, code);
        }
        return out.toByteArray();
    }

    public static String[] decode(byte[] bytes, int count) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int distinct = readVarint(in);
        String[] dictionary = new String[distinct];
        for (int i = 0; i < distinct; i++) {
            int length = readVarint(in);
            dictionary[i] = new String(bytes, in.position(), length, StandardCharsets.UTF_8);
            in.position(in.position() + length);
        }
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            values[i] = dictionary[readVarint(in)];
        }
        return values;
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7f) != 0) {
            out.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    private static int readVarint(ByteBuffer in) {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = in.get() & 0xff;
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalStateException("varint longer than 5 bytes: corrupt segment");
    }
}
