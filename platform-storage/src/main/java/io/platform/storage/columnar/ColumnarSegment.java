package io.platform.storage.columnar;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable columnar segment of one sealed time partition: a time column plus double and string columns, cut into
 * blocks of at most {@code blockRows} rows. Each block records its time range and each double column's min/max, so
 * {@link #scan} skips blocks outside the time range and decodes only the columns asked for. Thread-safe once built.
 *
 * <pre>
 * magic "SEG1" | columns:u16 | (type:u8 | nameLength:u16 | name)* | blocks:i32
 * per block:  rows:i32 | minTime:i64 | maxTime:i64 | per column (time first): offset:i32 | length:i32 | min:f64 | max:f64
 * column data, each block's columns one after another
 * </pre>
 */
public final class ColumnarSegment {
    private static final int MAGIC = 0x53454731;
    static final byte TIME = 0;
    static final byte DOUBLE = 1;
    static final byte STRING = 2;

    /** Rows of one block, with the requested columns decoded; columns not requested are absent. */
    public record Block(long[] times, Map<String, double[]> doubles, Map<String, String[]> strings) {
    }

    /** Receives decoded blocks in time order. */
    public interface BlockVisitor {
        void visit(Block block);
    }

    /** What a scan skipped and read, for EXPLAIN ANALYZE-style reporting. */
    public record ScanStats(int blocksRead, int blocksSkipped, long bytesRead, long bytesSkipped) {
    }

    private record BlockIndex(int rows, long minTime, long maxTime, int[] offsets, int[] lengths, double[] mins, double[] maxs) {
    }

    // the whole segment: a heap array, a file mapped into memory, or a direct buffer filled with O_DIRECT reads
    private final ByteBuffer bytes;
    private final List<String> names;
    private final byte[] types;
    private final List<BlockIndex> blocks;
    private final int dataStart;

    private ColumnarSegment(ByteBuffer bytes, List<String> names, byte[] types, List<BlockIndex> blocks, int dataStart) {
        this.bytes = bytes;
        this.names = names;
        this.types = types;
        this.blocks = blocks;
        this.dataStart = dataStart;
    }

    /**
     * Encodes rows sorted by time.
     *
     * @param doubles double columns by name, each with {@code times.length} values
     * @param strings string columns by name, each with {@code times.length} values
     */
    public static byte[] write(long[] times, Map<String, double[]> doubles, Map<String, String[]> strings, int blockRows) {
        List<String> names = new ArrayList<>();
        List<Byte> types = new ArrayList<>();
        names.add("time");
        types.add(TIME);
        doubles.keySet().forEach(n -> {
            names.add(n);
            types.add(DOUBLE);
        });
        strings.keySet().forEach(n -> {
            names.add(n);
            types.add(STRING);
        });
        int columns = names.size();
        int blockCount = (times.length + blockRows - 1) / blockRows;
        List<byte[]> data = new ArrayList<>();
        ByteBuffer index = ByteBuffer.allocate(blockCount * (4 + 16 + columns * 24));
        int offset = 0;
        for (int b = 0; b < blockCount; b++) {
            int from = b * blockRows;
            int rows = Math.min(blockRows, times.length - from);
            long[] blockTimes = java.util.Arrays.copyOfRange(times, from, from + rows);
            index.putInt(rows).putLong(blockTimes[0]).putLong(blockTimes[rows - 1]);
            for (int c = 0; c < columns; c++) {
                byte[] encoded;
                double min = Double.NaN;
                double max = Double.NaN;
                if (types.get(c) == TIME) {
                    encoded = TimestampCodec.encode(blockTimes, rows);
                } else if (types.get(c) == DOUBLE) {
                    double[] values = java.util.Arrays.copyOfRange(doubles.get(names.get(c)), from, from + rows);
                    encoded = DoubleCodec.encode(values, rows);
                    min = Double.POSITIVE_INFINITY;
                    max = Double.NEGATIVE_INFINITY;
                    for (double v : values) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                } else {
                    encoded = StringDictionaryCodec.encode(java.util.Arrays.copyOfRange(strings.get(names.get(c)), from, from + rows), rows);
                }
                index.putInt(offset).putInt(encoded.length).putDouble(min).putDouble(max);
                data.add(encoded);
                offset += encoded.length;
            }
        }
        int headerLength = 4 + 2 + 4;
        for (String name : names) {
            headerLength += 1 + 2 + name.getBytes(StandardCharsets.UTF_8).length;
        }
        ByteBuffer out = ByteBuffer.allocate(headerLength + index.position() + offset);
        out.putInt(MAGIC).putShort((short) columns);
        for (int c = 0; c < columns; c++) {
            byte[] name = names.get(c).getBytes(StandardCharsets.UTF_8);
            out.put(types.get(c)).putShort((short) name.length).put(name);
        }
        out.putInt(blockCount);
        out.put(index.array(), 0, index.position());
        for (byte[] column : data) {
            out.put(column);
        }
        return out.array();
    }

    public static ColumnarSegment read(byte[] bytes) {
        return read(ByteBuffer.wrap(bytes));
    }

    /** A segment over {@code bytes} from its position to its limit, which it keeps (not copied). */
    public static ColumnarSegment read(ByteBuffer bytes) {
        ByteBuffer in = bytes.slice();
        ByteBuffer whole = in.duplicate();
        if (in.remaining() < 10 || in.getInt() != MAGIC) {
            throw new IllegalArgumentException("not a columnar segment (bad magic)");
        }
        int columns = in.getShort() & 0xffff;
        List<String> names = new ArrayList<>();
        byte[] types = new byte[columns];
        for (int c = 0; c < columns; c++) {
            types[c] = in.get();
            byte[] name = new byte[in.getShort() & 0xffff];
            in.get(name);
            names.add(new String(name, StandardCharsets.UTF_8));
        }
        int blockCount = in.getInt();
        List<BlockIndex> blocks = new ArrayList<>(blockCount);
        for (int b = 0; b < blockCount; b++) {
            int rows = in.getInt();
            long minTime = in.getLong();
            long maxTime = in.getLong();
            int[] offsets = new int[columns];
            int[] lengths = new int[columns];
            double[] mins = new double[columns];
            double[] maxs = new double[columns];
            for (int c = 0; c < columns; c++) {
                offsets[c] = in.getInt();
                lengths[c] = in.getInt();
                mins[c] = in.getDouble();
                maxs[c] = in.getDouble();
            }
            blocks.add(new BlockIndex(rows, minTime, maxTime, offsets, lengths, mins, maxs));
        }
        return new ColumnarSegment(whole, names, types, blocks, in.position());
    }

    public List<String> columns() {
        return names;
    }

    public int blockCount() {
        return blocks.size();
    }

    /**
     * Decodes the blocks overlapping {@code [fromMs, toMs)}, only the named columns (the time column always).
     * Rows outside the range inside an overlapping block are included; the caller filters them.
     */
    public ScanStats scan(long fromMs, long toMs, List<String> wanted, BlockVisitor visitor) {
        int read = 0;
        int skipped = 0;
        long bytesRead = 0;
        long bytesSkipped = 0;
        for (BlockIndex block : blocks) {
            long blockBytes = 0;
            for (int length : block.lengths) {
                blockBytes += length;
            }
            if (block.maxTime < fromMs || block.minTime >= toMs) {
                skipped++;
                bytesSkipped += blockBytes;
                continue;
            }
            read++;
            byte[] timeBytes = slice(block, 0);
            long[] times = TimestampCodec.decode(timeBytes, block.rows);
            long blockRead = timeBytes.length;
            Map<String, double[]> doubles = new LinkedHashMap<>();
            Map<String, String[]> strings = new LinkedHashMap<>();
            for (int c = 1; c < names.size(); c++) {
                if (!wanted.contains(names.get(c))) {
                    continue;
                }
                byte[] column = slice(block, c);
                blockRead += column.length;
                if (types[c] == DOUBLE) {
                    doubles.put(names.get(c), DoubleCodec.decode(column, block.rows));
                } else {
                    strings.put(names.get(c), StringDictionaryCodec.decode(column, block.rows));
                }
            }
            bytesRead += blockRead;
            bytesSkipped += blockBytes - blockRead;
            visitor.visit(new Block(times, doubles, strings));
        }
        return new ScanStats(read, skipped, bytesRead, bytesSkipped);
    }

    /** The min and max of a double column over the whole segment, from block statistics alone (no decoding). */
    public double[] minMax(String column) {
        int c = names.indexOf(column);
        if (c < 0 || types[c] != DOUBLE) {
            throw new IllegalArgumentException("no double column '" + column + "' in " + names);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (BlockIndex block : blocks) {
            min = Math.min(min, block.mins[c]);
            max = Math.max(max, block.maxs[c]);
        }
        return new double[] {min, max};
    }

    private byte[] slice(BlockIndex block, int column) {
        byte[] out = new byte[block.lengths[column]];
        bytes.get(dataStart + block.offsets[column], out);
        return out;
    }
}
