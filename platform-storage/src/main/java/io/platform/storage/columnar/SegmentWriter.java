package io.platform.storage.columnar;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a columnar segment row by row, encoding each block as soon as it holds {@code blockRows} rows, so sealing a
 * partition of any size holds one block of rows in memory, not the partition. The block index follows the data and a
 * footer points at it (see {@link ColumnarSegment} for the layout). Not thread-safe.
 */
public final class SegmentWriter {
    private final DataOutputStream out;
    private final List<String> longNames;
    private final List<String> doubleNames;
    private final List<String> stringNames;
    private final int blockRows;
    private final ByteArrayOutputStream indexBytes = new ByteArrayOutputStream();
    private final DataOutputStream index = new DataOutputStream(indexBytes);
    private final long[] times;
    private final long[][] longs;
    private final double[][] doubles;
    private final String[][] strings;
    private int buffered;
    private int blocks;
    private long rows;
    private long dataStart;
    private long dataLength;

    /** Starts a segment on {@code out} with a time column and the named columns, in this order. */
    public SegmentWriter(OutputStream out, List<String> longNames, List<String> doubleNames, List<String> stringNames,
            int blockRows) throws IOException {
        this.out = new DataOutputStream(out);
        this.longNames = List.copyOf(longNames);
        this.doubleNames = List.copyOf(doubleNames);
        this.stringNames = List.copyOf(stringNames);
        this.blockRows = blockRows;
        this.times = new long[blockRows];
        this.longs = new long[longNames.size()][blockRows];
        this.doubles = new double[doubleNames.size()][blockRows];
        this.strings = new String[stringNames.size()][blockRows];
        List<String> names = new ArrayList<>();
        List<Byte> types = new ArrayList<>();
        names.add("time");
        types.add(ColumnarSegment.TIME);
        longNames.forEach(n -> {
            names.add(n);
            types.add(ColumnarSegment.LONG);
        });
        doubleNames.forEach(n -> {
            names.add(n);
            types.add(ColumnarSegment.DOUBLE);
        });
        stringNames.forEach(n -> {
            names.add(n);
            types.add(ColumnarSegment.STRING);
        });
        this.out.writeInt(ColumnarSegment.MAGIC);
        this.out.writeShort(names.size());
        for (int c = 0; c < names.size(); c++) {
            byte[] name = names.get(c).getBytes(StandardCharsets.UTF_8);
            this.out.writeByte(types.get(c));
            this.out.writeShort(name.length);
            this.out.write(name);
        }
        dataStart = this.out.size();
    }

    /** Appends a row: values of the long, double and string columns in the order named at construction. */
    public void add(long time, long[] longValues, double[] doubleValues, String[] stringValues) throws IOException {
        times[buffered] = time;
        for (int c = 0; c < longs.length; c++) {
            longs[c][buffered] = longValues[c];
        }
        for (int c = 0; c < doubles.length; c++) {
            doubles[c][buffered] = doubleValues[c];
        }
        for (int c = 0; c < strings.length; c++) {
            strings[c][buffered] = stringValues[c] == null ? "" : stringValues[c];
        }
        rows++;
        if (++buffered == blockRows) {
            flushBlock();
        }
    }

    public long rows() {
        return rows;
    }

    private void flushBlock() throws IOException {
        int n = buffered;
        if (n == 0) {
            return;
        }
        long minTime = Long.MAX_VALUE;
        long maxTime = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            minTime = Math.min(minTime, times[i]);
            maxTime = Math.max(maxTime, times[i]);
        }
        index.writeInt(n);
        index.writeLong(minTime);
        index.writeLong(maxTime);
        writeColumn(TimestampCodec.encode(times, n), Double.doubleToRawLongBits(Double.NaN), Double.doubleToRawLongBits(Double.NaN));
        for (long[] values : longs) {
            // delta-of-delta suits counters and sequence numbers too; any long round-trips exactly
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                min = Math.min(min, values[i]);
                max = Math.max(max, values[i]);
            }
            writeColumn(TimestampCodec.encode(values, n), min, max);
        }
        for (double[] values : doubles) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                min = Math.min(min, values[i]);
                max = Math.max(max, values[i]);
            }
            writeColumn(DoubleCodec.encode(values, n), Double.doubleToRawLongBits(min), Double.doubleToRawLongBits(max));
        }
        for (String[] values : strings) {
            String min = values[0];
            String max = values[0];
            for (int i = 1; i < n; i++) {
                min = values[i].compareTo(min) < 0 ? values[i] : min;
                max = values[i].compareTo(max) > 0 ? values[i] : max;
            }
            writeColumn(StringDictionaryCodec.encode(values, n), 0, 0);
            writeString(min);
            writeString(max);
        }
        blocks++;
        buffered = 0;
    }

    private void writeColumn(byte[] encoded, long minBits, long maxBits) throws IOException {
        if (dataLength + encoded.length > Integer.MAX_VALUE) {
            throw new IOException("segment data exceeds 2 GiB: seal narrower partitions (storage.seal.partition)");
        }
        index.writeInt((int) dataLength);
        index.writeInt(encoded.length);
        index.writeLong(minBits);
        index.writeLong(maxBits);
        out.write(encoded);
        dataLength += encoded.length;
    }

    private void writeString(String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        index.writeShort(bytes.length);
        index.write(bytes);
    }

    /** Encodes the last partial block, then writes the block index and the footer. Does not close the stream. */
    public void finish() throws IOException {
        flushBlock();
        long indexOffset = dataStart + dataLength;
        out.writeInt(blocks);
        indexBytes.writeTo(out);
        out.writeLong(indexOffset);
        out.writeInt(ColumnarSegment.MAGIC);
        out.flush();
    }
}
