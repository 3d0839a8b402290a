package io.platform.storage.tiering;

import io.platform.storage.SealedPartition;
import io.platform.storage.StorageException;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.columnar.ColumnarSegment;
import io.platform.storage.columnar.SegmentFiles;
import io.platform.wire.WireFormat;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Seals time partitions: the raw rows of {@code [start, start + partitionMs)}, once the partition ended more than
 * {@code sealAfterMs} ago, are decoded once into a columnar segment (rows ordered by series, then time; one column
 * per field of the stream's latest schema plus {@link #SERIES_COLUMN}) and leave the row store in the same atomic write
 * that records the segment ({@link TimeSeriesStore#seal}).
 *
 * <p>A stream is sealed only where every row has a value for every column: fields that are nullable unions, booleans,
 * bytes or nested types keep the stream in the row store (logged once), where the row-at-a-time path reads it. One
 * thread at a time; the store may be written and read meanwhile.
 */
public final class PartitionSealer {
    /** The segment column holding each row's series key, by which blocks are skipped for one-series queries. */
    public static final String SERIES_COLUMN = "__series";
    static final int BLOCK_ROWS = 4096;
    private static final System.Logger LOG = System.getLogger(PartitionSealer.class.getName());

    private final TimeSeriesStore store;
    private final SchemaCatalog catalog;
    private final SegmentTier tier;
    private final long partitionMs;
    private final long sealAfterMs;
    private final Map<String, String> unsealable = new HashMap<>();

    /**
     * @param partitionMs width of a sealed partition, e.g. one hour
     * @param sealAfterMs how long after its end a partition is sealed; longer than the lateness events may have
     */
    public PartitionSealer(TimeSeriesStore store, SchemaCatalog catalog, SegmentTier tier, long partitionMs, long sealAfterMs) {
        if (partitionMs <= 0 || sealAfterMs < 0) {
            throw new IllegalArgumentException("partitionMs must be > 0 and sealAfterMs >= 0, got " + partitionMs + ", " + sealAfterMs);
        }
        this.store = store;
        this.catalog = catalog;
        this.tier = tier;
        this.partitionMs = partitionMs;
        this.sealAfterMs = sealAfterMs;
    }

    /** Seals every partition of every stream that ended before {@code nowMs - sealAfterMs}; returns them, oldest first per stream. */
    public List<SealedPartition> sealDue(long nowMs) {
        List<SealedPartition> sealed = new ArrayList<>();
        long due = Math.floorDiv(nowMs - sealAfterMs, partitionMs) * partitionMs;
        for (String stream : catalog.streams()) {
            if (unsealable(stream) != null) {
                continue;
            }
            java.util.Collection<TimeSeriesStore.SeriesSpan> spans = store.rawSeries(stream).values();
            if (spans.isEmpty()) {
                continue;
            }
            long oldest = spans.stream().mapToLong(TimeSeriesStore.SeriesSpan::oldestMs).min().getAsLong();
            long newest = spans.stream().mapToLong(TimeSeriesStore.SeriesSpan::newestMs).max().getAsLong();
            java.util.Set<Long> done = new java.util.HashSet<>();
            for (SealedPartition p : store.sealed(stream, Long.MIN_VALUE, Long.MAX_VALUE)) {
                done.add(p.fromMs());
            }
            for (long start = Math.floorDiv(oldest, partitionMs) * partitionMs; start + partitionMs <= due && start <= newest; start += partitionMs) {
                // a partition sealed before keeps its segment; rows that came later for it stay rows
                if (!done.contains(start)) {
                    SealedPartition partition = seal(stream, start);
                    if (partition != null) {
                        sealed.add(partition);
                    }
                }
            }
        }
        return sealed;
    }

    /** Why the stream cannot be sealed, or null when it can. */
    public String unsealable(String stream) {
        StreamSchema latest = catalog.latest(stream);
        if (latest == null) {
            return "no schema";
        }
        for (Schema.Field field : latest.schema().getFields()) {
            if (columnType(field.schema()) == null) {
                String reason = "field '" + field.name() + "' is " + field.schema().getType().getName()
                        + " (segments hold long, int, double, float, string and enum fields without nulls)";
                if (!reason.equals(unsealable.put(stream, reason))) {
                    LOG.log(System.Logger.Level.INFO, "stream " + stream + " stays in the row store: " + reason);
                }
                return reason;
            }
        }
        return null;
    }

    private static Schema.Type columnType(Schema schema) {
        return switch (schema.getType()) {
            case LONG, INT -> Schema.Type.LONG;
            case DOUBLE, FLOAT -> Schema.Type.DOUBLE;
            case STRING, ENUM -> Schema.Type.STRING;
            default -> null;
        };
    }

    /** Seals one partition starting at {@code fromMs}; null when it has no rows or a row lacks a value. */
    public SealedPartition seal(String stream, long fromMs) {
        StreamSchema latest = catalog.latest(stream);
        long toMs = fromMs + partitionMs;
        return store.seal(stream, fromMs, toMs, source -> {
            Columns columns = new Columns(latest);
            source.accept((series, time, value) -> columns.add(series, time, value));
            if (columns.rows == 0 || columns.missing != null) {
                if (columns.missing != null) {
                    LOG.log(System.Logger.Level.WARNING, "partition " + stream + " [" + fromMs + "," + toMs + ") stays in the row store: " + columns.missing);
                }
                return null;
            }
            String file = fromMs + "-" + toMs + ".seg";
            try {
                Path dir = tier.directory(stream);
                Files.createDirectories(dir);
                SegmentFiles.write(dir.resolve(file), columns.encode());
                // the file's directory entry must survive a crash as well as its bytes
                try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                    directory.force(true);
                }
            } catch (IOException e) {
                throw new StorageException("cannot write segment " + file + " of " + stream + ": " + e.getMessage(), e);
            }
            return new SealedPartition(stream, fromMs, toMs, columns.rows, file);
        });
    }

    /** Column buffers of one partition, filled row by row as the store reads them. */
    private final class Columns {
        private final StreamSchema latest;
        private final List<Schema.Field> fields;
        private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new HashMap<>();
        private BinaryDecoder decoder;
        private int rows;
        private long[] times = new long[1024];
        private String[] series = new String[1024];
        private final Object[] values;
        private String missing;

        Columns(StreamSchema latest) {
            this.latest = latest;
            this.fields = latest.schema().getFields();
            this.values = new Object[fields.size()];
            for (int f = 0; f < fields.size(); f++) {
                values[f] = switch (columnType(fields.get(f).schema())) {
                    case LONG -> new long[1024];
                    case DOUBLE -> new double[1024];
                    default -> new String[1024];
                };
            }
        }

        void add(String seriesKey, long time, byte[] value) {
            if (missing != null) {
                return;
            }
            GenericRecord record = decode(value);
            if (record == null) {
                missing = "a row at " + time + " of series " + seriesKey.replace(StreamSchema.SERIES_SEPARATOR, '|') + " does not decode";
                return;
            }
            if (rows == times.length) {
                grow(rows * 2);
            }
            times[rows] = time;
            series[rows] = seriesKey;
            for (int f = 0; f < fields.size(); f++) {
                Schema.Field writerField = record.getSchema().getField(fields.get(f).name());
                Object v = writerField == null ? null : record.get(writerField.pos());
                if (v == null) {
                    missing = "a row at " + time + " has no value for '" + fields.get(f).name() + "'";
                    return;
                }
                Object column = values[f];
                if (column instanceof long[] longs && v instanceof Number n) {
                    longs[rows] = n.longValue();
                } else if (column instanceof double[] doubles && v instanceof Number n) {
                    doubles[rows] = n.doubleValue();
                } else if (column instanceof String[] strings && !(v instanceof Number)) {
                    strings[rows] = v.toString();
                } else {
                    // an older writer schema typed the field differently
                    missing = "field '" + fields.get(f).name() + "' of a row at " + time + " holds " + v.getClass().getSimpleName();
                    return;
                }
            }
            rows++;
        }

        private void grow(int capacity) {
            times = java.util.Arrays.copyOf(times, capacity);
            series = java.util.Arrays.copyOf(series, capacity);
            for (int f = 0; f < values.length; f++) {
                Object column = values[f];
                values[f] = column instanceof long[] longs ? java.util.Arrays.copyOf(longs, capacity)
                        : column instanceof double[] doubles ? (Object) java.util.Arrays.copyOf(doubles, capacity)
                        : java.util.Arrays.copyOf((String[]) column, capacity);
            }
        }

        byte[] encode() {
            grow(rows);
            Map<String, long[]> longs = new LinkedHashMap<>();
            Map<String, double[]> doubles = new LinkedHashMap<>();
            Map<String, String[]> strings = new LinkedHashMap<>();
            strings.put(SERIES_COLUMN, series);
            for (int f = 0; f < fields.size(); f++) {
                String name = fields.get(f).name();
                if (values[f] instanceof long[] l) {
                    longs.put(name, l);
                } else if (values[f] instanceof double[] d) {
                    doubles.put(name, d);
                } else {
                    strings.put(name, (String[]) values[f]);
                }
            }
            return ColumnarSegment.write(times, longs, doubles, strings, BLOCK_ROWS);
        }

        private GenericRecord decode(byte[] value) {
            if (WireFormat.framingError(value, 0, value.length) != null) {
                return null;
            }
            StreamSchema writer = catalog.byId(WireFormat.schemaId(value));
            if (writer == null) {
                return null;
            }
            decoder = DecoderFactory.get().binaryDecoder(value, WireFormat.BODY_OFFSET, value.length - WireFormat.BODY_OFFSET, decoder);
            try {
                return readers.computeIfAbsent(writer.id(), id -> new GenericDatumReader<>(writer.schema())).read(null, decoder);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }
}
