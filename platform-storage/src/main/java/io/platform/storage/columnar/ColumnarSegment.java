package io.platform.storage.columnar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An immutable columnar segment of one sealed time partition: a time column plus long, double and string columns,
 * cut into blocks of at most {@code blockRows} rows. Each block records its time range, each numeric column's min/max
 * and each string column's lowest and highest value, so {@link #scan} skips blocks by time range or by any other
 * column's statistics and decodes only the columns asked for. Rows need not be in time order (the sealer orders them
 * by series, then time, so one series' rows share a few blocks). Thread-safe once built.
 *
 * <pre>
 * magic "SEG3" | columns:u16 | (type:u8 | nameLength:u16 | name)*
 * column data, each block's columns one after another ({@link SegmentWriter} streams them out block by block)
 * index:   blocks:i32, per block: rows:i32 | minTime:i64 | maxTime:i64 | per column (time first): offset:i32 | length:i32
 *          | min:8 | max:8 (f64 for doubles, i64 for longs; for strings both 0, followed by minLength:u16 | min |
 *          maxLength:u16 | max); offsets count from the start of the column data
 * footer:  indexOffset:i64 | magic "SEG3"
 * </pre>
 */
public final class ColumnarSegment {
    static final int MAGIC = 0x53454733;
    static final byte TIME = 0;
    static final byte DOUBLE = 1;
    static final byte STRING = 2;
    static final byte LONG = 3;

    /**
     * Rows of one block, with the requested columns decoded; columns not requested are absent. The time column is
     * decoded on first use of {@link #times}: queries filter on the event-time field instead.
     */
    public static final class Block {
        private final int rows;
        private final Supplier<long[]> timeDecoder;
        private long[] times;
        private final Map<String, long[]> longs;
        private final Map<String, double[]> doubles;
        private final Map<String, String[]> strings;

        Block(int rows, Supplier<long[]> timeDecoder, Map<String, long[]> longs, Map<String, double[]> doubles,
                Map<String, String[]> strings) {
            this.rows = rows;
            this.timeDecoder = timeDecoder;
            this.longs = longs;
            this.doubles = doubles;
            this.strings = strings;
        }

        public int rows() {
            return rows;
        }

        public long[] times() {
            if (times == null) {
                times = timeDecoder.get();
            }
            return times;
        }

        public Map<String, long[]> longs() {
            return longs;
        }

        public Map<String, double[]> doubles() {
            return doubles;
        }

        public Map<String, String[]> strings() {
            return strings;
        }
    }

    /** Receives decoded blocks in segment order. */
    public interface BlockVisitor {
        void visit(Block block);
    }

    /** Decides from a block's statistics alone whether it may hold wanted rows. */
    public interface BlockFilter {
        BlockFilter ALL = stats -> true;

        boolean mayMatch(BlockStats stats);
    }

    /** What a block's index says about it, without decoding any data. */
    public final class BlockStats {
        private BlockIndex block;
        // filters ask for the same few columns block after block: the last name's index is kept (compared by identity)
        private String lastName;
        private int lastIndex;

        private int indexOf(String column) {
            if (column != lastName) {
                lastIndex = names.indexOf(column);
                lastName = column;
            }
            return lastIndex;
        }

        public int rows() {
            return block.rows;
        }

        public long minTime() {
            return block.minTime;
        }

        public long maxTime() {
            return block.maxTime;
        }

        /**
         * The lowest value of a long or double column as a double, rounded down where a long does not convert exactly
         * (so it is never above the true minimum); NaN when the segment has no such numeric column.
         */
        public double min(String column) {
            int c = indexOf(column);
            if (c < 0 || (types[c] != LONG && types[c] != DOUBLE)) {
                return Double.NaN;
            }
            if (types[c] == DOUBLE) {
                return block.mins[c];
            }
            double d = block.longMins[c];
            return (long) d > block.longMins[c] ? Math.nextDown(d) : d;
        }

        /** The highest value of a long or double column as a double, rounded up where needed; NaN as {@link #min}. */
        public double max(String column) {
            int c = indexOf(column);
            if (c < 0 || (types[c] != LONG && types[c] != DOUBLE)) {
                return Double.NaN;
            }
            if (types[c] == DOUBLE) {
                return block.maxs[c];
            }
            double d = block.longMaxs[c];
            return (long) d < block.longMaxs[c] ? Math.nextUp(d) : d;
        }

        /** The lowest value of a string column, or null when the segment has no such column. */
        public String minString(String column) {
            int c = indexOf(column);
            return c < 0 || types[c] != STRING ? null : block.stringMins[c];
        }

        public String maxString(String column) {
            int c = indexOf(column);
            return c < 0 || types[c] != STRING ? null : block.stringMaxs[c];
        }
    }

    /** What a scan skipped and read, for EXPLAIN ANALYZE-style reporting. */
    public record ScanStats(int blocksRead, int blocksSkipped, long bytesRead, long bytesSkipped) {
        public ScanStats plus(ScanStats other) {
            return new ScanStats(blocksRead + other.blocksRead, blocksSkipped + other.blocksSkipped,
                    bytesRead + other.bytesRead, bytesSkipped + other.bytesSkipped);
        }

        public static final ScanStats NONE = new ScanStats(0, 0, 0, 0);
    }

    private record BlockIndex(int rows, long minTime, long maxTime, int[] offsets, int[] lengths, double[] mins, double[] maxs,
                              long[] longMins, long[] longMaxs, String[] stringMins, String[] stringMaxs, long bytes) {
    }

    // the whole segment: a heap array, a file mapped into memory, or a direct buffer filled with O_DIRECT reads
    private final ByteBuffer bytes;
    private final List<String> names;
    private final byte[] types;
    private final List<BlockIndex> blocks;
    // every GROUP consecutive blocks summarized (min of mins, max of maxes), so a filter rules out many blocks at once
    private static final int GROUP = 32;
    private final List<BlockIndex> groups;
    // all blocks summarized: a filter can rule out the whole segment with one check
    private final BlockIndex whole;
    private final int dataStart;
    private final long rows;
    // decoded columns kept between scans (the hot tier), or null to decode on every scan
    private volatile DecodedColumns cache;

    private ColumnarSegment(ByteBuffer bytes, List<String> names, byte[] types, List<BlockIndex> blocks, int dataStart) {
        this.bytes = bytes;
        this.names = names;
        this.types = types;
        this.blocks = blocks;
        this.groups = new ArrayList<>();
        for (int from = 0; from < blocks.size(); from += GROUP) {
            groups.add(summarize(blocks.subList(from, Math.min(blocks.size(), from + GROUP)), types.length));
        }
        this.whole = summarize(blocks, types.length);
        this.dataStart = dataStart;
        this.rows = blocks.stream().mapToLong(BlockIndex::rows).sum();
    }

    /** Encodes rows sorted by time, with double and string columns; see {@link #write(long[], Map, Map, Map, int)}. */
    public static byte[] write(long[] times, Map<String, double[]> doubles, Map<String, String[]> strings, int blockRows) {
        return write(times, Map.of(), doubles, strings, blockRows);
    }

    /**
     * Encodes rows in the order given (time order, or series then time), in memory; {@link SegmentWriter} streams
     * a segment of any size.
     *
     * @param longs long columns by name, each with {@code times.length} values
     * @param doubles double columns by name, each with {@code times.length} values
     * @param strings string columns by name, each with {@code times.length} non-null values
     */
    public static byte[] write(long[] times, Map<String, long[]> longs, Map<String, double[]> doubles,
            Map<String, String[]> strings, int blockRows) {
        List<long[]> longColumns = new ArrayList<>(longs.values());
        List<double[]> doubleColumns = new ArrayList<>(doubles.values());
        List<String[]> stringColumns = new ArrayList<>(strings.values());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            SegmentWriter writer = new SegmentWriter(bytes, new ArrayList<>(longs.keySet()), new ArrayList<>(doubles.keySet()),
                    new ArrayList<>(strings.keySet()), blockRows);
            long[] longRow = new long[longColumns.size()];
            double[] doubleRow = new double[doubleColumns.size()];
            String[] stringRow = new String[stringColumns.size()];
            for (int i = 0; i < times.length; i++) {
                for (int c = 0; c < longRow.length; c++) {
                    longRow[c] = longColumns.get(c)[i];
                }
                for (int c = 0; c < doubleRow.length; c++) {
                    doubleRow[c] = doubleColumns.get(c)[i];
                }
                for (int c = 0; c < stringRow.length; c++) {
                    stringRow[c] = stringColumns.get(c)[i];
                }
                writer.add(times[i], longRow, doubleRow, stringRow);
            }
            writer.finish();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        return bytes.toByteArray();
    }

    private static String readString(ByteBuffer in) {
        byte[] bytes = new byte[in.getShort() & 0xffff];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
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
        int dataStart = in.position();
        if (whole.limit() < dataStart + 12 || whole.getInt(whole.limit() - 4) != MAGIC) {
            throw new IllegalArgumentException("columnar segment has no footer: truncated or not finished");
        }
        in.position((int) whole.getLong(whole.limit() - 12));
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
            long[] longMins = new long[columns];
            long[] longMaxs = new long[columns];
            String[] stringMins = new String[columns];
            String[] stringMaxs = new String[columns];
            long blockBytes = 0;
            for (int c = 0; c < columns; c++) {
                offsets[c] = in.getInt();
                lengths[c] = in.getInt();
                blockBytes += lengths[c];
                long min = in.getLong();
                long max = in.getLong();
                longMins[c] = min;
                longMaxs[c] = max;
                mins[c] = Double.longBitsToDouble(min);
                maxs[c] = Double.longBitsToDouble(max);
                if (types[c] == STRING) {
                    stringMins[c] = readString(in);
                    stringMaxs[c] = readString(in);
                }
            }
            blocks.add(new BlockIndex(rows, minTime, maxTime, offsets, lengths, mins, maxs, longMins, longMaxs, stringMins,
                    stringMaxs, blockBytes));
        }
        return new ColumnarSegment(whole, names, types, blocks, dataStart);
    }

    public List<String> columns() {
        return names;
    }

    private static BlockIndex summarize(List<BlockIndex> run, int columns) {
        int rows = 0;
        long minTime = Long.MAX_VALUE;
        long maxTime = Long.MIN_VALUE;
        long bytes = 0;
        double[] mins = new double[columns];
        double[] maxs = new double[columns];
        long[] longMins = new long[columns];
        long[] longMaxs = new long[columns];
        String[] stringMins = new String[columns];
        String[] stringMaxs = new String[columns];
        Arrays.fill(mins, Double.POSITIVE_INFINITY);
        Arrays.fill(maxs, Double.NEGATIVE_INFINITY);
        Arrays.fill(longMins, Long.MAX_VALUE);
        Arrays.fill(longMaxs, Long.MIN_VALUE);
        for (BlockIndex block : run) {
            rows += block.rows;
            minTime = Math.min(minTime, block.minTime);
            maxTime = Math.max(maxTime, block.maxTime);
            bytes += block.bytes;
            for (int c = 0; c < columns; c++) {
                // Math.min/max carry a NaN through: a group with a NaN statistic is never ruled out
                mins[c] = Math.min(mins[c], block.mins[c]);
                maxs[c] = Math.max(maxs[c], block.maxs[c]);
                longMins[c] = Math.min(longMins[c], block.longMins[c]);
                longMaxs[c] = Math.max(longMaxs[c], block.longMaxs[c]);
                if (block.stringMins[c] != null) {
                    stringMins[c] = stringMins[c] == null || block.stringMins[c].compareTo(stringMins[c]) < 0
                            ? block.stringMins[c] : stringMins[c];
                    stringMaxs[c] = stringMaxs[c] == null || block.stringMaxs[c].compareTo(stringMaxs[c]) > 0
                            ? block.stringMaxs[c] : stringMaxs[c];
                }
            }
        }
        return new BlockIndex(rows, minTime, maxTime, null, null, mins, maxs, longMins, longMaxs, stringMins, stringMaxs, bytes);
    }

    /** Keeps decoded columns of this segment in {@code cache}, so repeated scans skip decoding. */
    public ColumnarSegment cacheIn(DecodedColumns cache) {
        this.cache = cache;
        return this;
    }

    public int blockCount() {
        return blocks.size();
    }

    public long rowCount() {
        return rows;
    }

    /**
     * Decodes the blocks overlapping {@code [fromMs, toMs)}, only the named columns (the time column always).
     * Rows outside the range inside an overlapping block are included; the caller filters them.
     */
    public ScanStats scan(long fromMs, long toMs, List<String> wanted, BlockVisitor visitor) {
        return scan(fromMs, toMs, wanted, BlockFilter.ALL, visitor);
    }

    /** As {@link #scan(long, long, List, BlockVisitor)}, also skipping the blocks {@code filter} rules out. */
    public ScanStats scan(long fromMs, long toMs, List<String> wanted, BlockFilter filter, BlockVisitor visitor) {
        int read = 0;
        int skipped = 0;
        long bytesRead = 0;
        long bytesSkipped = 0;
        BlockStats stats = new BlockStats();
        stats.block = whole;
        if (!blocks.isEmpty() && (whole.maxTime < fromMs || whole.minTime >= toMs || !filter.mayMatch(stats))) {
            return new ScanStats(0, blocks.size(), 0, whole.bytes);
        }
        for (int b = 0; b < blocks.size(); b++) {
            if (b % GROUP == 0 && groups.size() > 1) {
                BlockIndex group = groups.get(b / GROUP);
                stats.block = group;
                if (group.maxTime < fromMs || group.minTime >= toMs || !filter.mayMatch(stats)) {
                    int blocksInGroup = Math.min(GROUP, blocks.size() - b);
                    skipped += blocksInGroup;
                    bytesSkipped += group.bytes;
                    b += blocksInGroup - 1;
                    continue;
                }
            }
            BlockIndex block = blocks.get(b);
            stats.block = block;
            if (block.maxTime < fromMs || block.minTime >= toMs || !filter.mayMatch(stats)) {
                skipped++;
                bytesSkipped += block.bytes;
                continue;
            }
            read++;
            long blockRead = block.lengths[0];
            Map<String, long[]> longs = new LinkedHashMap<>();
            Map<String, double[]> doubles = new LinkedHashMap<>();
            Map<String, String[]> strings = new LinkedHashMap<>();
            for (int c = 1; c < names.size(); c++) {
                if (!wanted.contains(names.get(c))) {
                    continue;
                }
                blockRead += block.lengths[c];
                Object values = column(block, b, c);
                switch (types[c]) {
                    case LONG -> longs.put(names.get(c), (long[]) values);
                    case DOUBLE -> doubles.put(names.get(c), (double[]) values);
                    default -> strings.put(names.get(c), (String[]) values);
                }
            }
            bytesRead += blockRead;
            bytesSkipped += block.bytes - blockRead;
            int number = b;
            visitor.visit(new Block(block.rows, () -> (long[]) column(block, number, 0), longs, doubles, strings));
        }
        return new ScanStats(read, skipped, bytesRead, bytesSkipped);
    }

    /**
     * About how many rows a scan of [fromMs, toMs) with {@code filter} would read, from block statistics alone: the
     * rows of every block the range and the filter leave in, a block that straddles a range end counted by the share of
     * its time span inside (rows assumed evenly spread). For EXPLAIN's estimated rows.
     */
    public long estimateRows(long fromMs, long toMs, BlockFilter filter) {
        BlockStats stats = new BlockStats();
        double rows = 0;
        for (BlockIndex block : blocks) {
            stats.block = block;
            if (block.maxTime < fromMs || block.minTime >= toMs || !filter.mayMatch(stats)) {
                continue;
            }
            long span = block.maxTime - block.minTime + 1;
            long inside = Math.min(block.maxTime + 1, toMs) - Math.max(block.minTime, fromMs);
            rows += inside >= span ? block.rows : block.rows * (double) inside / span;
        }
        return Math.round(rows);
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

    /** One column of one block: from the cache of decoded columns, or decoded (and then cached). */
    private Object column(BlockIndex block, int b, int c) {
        DecodedColumns decoded = cache;
        if (decoded != null) {
            Object values = decoded.get(this, b, c);
            if (values != null) {
                return values;
            }
        }
        byte[] bytes = slice(block, c);
        Object values = switch (types[c]) {
            case TIME, LONG -> TimestampCodec.decode(bytes, block.rows);
            case DOUBLE -> DoubleCodec.decode(bytes, block.rows);
            default -> StringDictionaryCodec.decode(bytes, block.rows);
        };
        if (decoded != null) {
            decoded.put(this, b, c, values);
        }
        return values;
    }

    private byte[] slice(BlockIndex block, int column) {
        byte[] out = new byte[block.lengths[column]];
        bytes.get(dataStart + block.offsets[column], out);
        return out;
    }
}
