package io.platform.storage.tiering;

import io.platform.storage.SealedPartition;
import io.platform.storage.StorageException;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.columnar.SegmentWriter;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import io.platform.wire.schema.WireRecordDecoder;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(PartitionSealer.class);

    private final TimeSeriesStore store;
    private final SchemaCatalog catalog;
    private final SegmentTier tier;
    private final long partitionMs;
    private final long sealAfterMs;
    private final Map<String, String> unsealable = new HashMap<>();
    // per stream, the partition boundary the last look covered: new work appears when it moves (once a partition width)
    private final Map<String, Long> checkedUpTo = new HashMap<>();
    // the last seal wrote its segment but the store refused the commit (a row arrived meanwhile)
    private boolean abandoned;

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

    /**
     * Seals every partition of every stream that ended before {@code nowMs - sealAfterMs}; returns them, oldest first
     * per stream. A stream is looked at again only once another partition has become due or rows were committed for
     * an hour already due (a backfill), since finding its rows costs a seek per series.
     */
    public List<SealedPartition> sealDue(long nowMs) {
        List<SealedPartition> sealed = new ArrayList<>();
        long due = Math.floorDiv(nowMs - sealAfterMs, partitionMs) * partitionMs;
        if (store.takeOldestRawCommitted() < due) {
            // rows landed in hours already due (a backfill, a replay, a stream's first data): look at every stream again
            checkedUpTo.clear();
        }
        for (String stream : catalog.streams()) {
            // finding the hours that hold rows costs two seeks per series: with millions of series, not every minute for nothing
            if (unsealable(stream) != null || Long.valueOf(due).equals(checkedUpTo.get(stream))) {
                continue;
            }
            checkedUpTo.put(stream, due);
            Set<Long> done = new HashSet<>();
            for (SealedPartition p : store.sealed(stream, Long.MIN_VALUE, Long.MAX_VALUE)) {
                done.add(p.fromMs());
            }
            // from one hour that holds rows to the next: empty hours cost nothing
            for (long next = store.nextRawTime(stream, Long.MIN_VALUE); next != Long.MAX_VALUE; ) {
                if (Thread.currentThread().isInterrupted()) {
                    return sealed; // the node is stopping: the rest waits for the next start
                }
                long start = Math.floorDiv(next, partitionMs) * partitionMs;
                if (start > due - partitionMs) {
                    break;
                }
                // a partition sealed before keeps its segment; rows that came later for it stay rows
                if (!done.contains(start)) {
                    SealedPartition partition = seal(stream, start);
                    if (partition != null) {
                        sealed.add(partition);
                    } else if (abandoned) {
                        // a row arrived for the partition while it was sealed: try again next time, not next boundary
                        checkedUpTo.remove(stream);
                    }
                }
                next = start + partitionMs > start ? store.nextRawTime(stream, start + partitionMs) : Long.MAX_VALUE;
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
                    LOG.info("stream stays in the row store stream={} reason={}", stream, reason);
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
        String file = fromMs + "-" + toMs + ".seg";
        Path dir = tier.directory(stream);
        Path tmp = dir.resolve(file + ".tmp");
        boolean[] built = {false};
        abandoned = false;
        try {
            Files.createDirectories(dir);
            SealedPartition partition = store.seal(stream, fromMs, toMs, source -> {
                try (FileChannel channel =
                        FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                    Columns columns = new Columns(latest, new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
                    source.accept(columns::add);
                    if (columns.failure != null) {
                        throw columns.failure;
                    }
                    if (columns.writer.rows() == 0 || columns.missing != null) {
                        if (columns.missing != null) {
                            LOG.warn("partition stays in the row store stream={} fromMs={} toMs={} reason={}",
                                    stream, fromMs, toMs, columns.missing);
                        }
                        return null;
                    }
                    columns.finish();
                    channel.force(true);
                    Files.move(tmp, dir.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    // the file's directory entry must survive a crash as well as its bytes
                    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                        directory.force(true);
                    }
                    built[0] = true;
                    return new SealedPartition(stream, fromMs, toMs, columns.writer.rows(), file);
                } catch (IOException e) {
                    throw new StorageException("cannot write segment " + file + " of " + stream + ": " + e.getMessage(), e);
                }
            });
            abandoned = built[0] && partition == null;
            return partition;
        } catch (IOException e) {
            throw new StorageException("cannot create segment directory " + dir + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // a leftover .tmp is overwritten by the next attempt
            }
        }
    }

    /** Turns each row of a partition into a segment row as the store reads them: one block of rows in memory. */
    private final class Columns {
        private final List<Schema.Field> fields;
        private final WireRecordDecoder records = new WireRecordDecoder(catalog);
        private final OutputStream out;
        private final SegmentWriter writer;
        // per field: which typed row array holds it, at which index
        private final Schema.Type[] kinds;
        private final int[] slots;
        private final long[] longRow;
        private final double[] doubleRow;
        private final String[] stringRow;
        private String missing;
        private IOException failure;

        Columns(StreamSchema latest, OutputStream out) throws IOException {
            this.fields = latest.schema().getFields();
            this.out = out;
            List<String> longNames = new ArrayList<>();
            List<String> doubleNames = new ArrayList<>();
            List<String> stringNames = new ArrayList<>(List.of(SERIES_COLUMN));
            kinds = new Schema.Type[fields.size()];
            slots = new int[fields.size()];
            for (int f = 0; f < fields.size(); f++) {
                kinds[f] = columnType(fields.get(f).schema());
                List<String> names = kinds[f] == Schema.Type.LONG ? longNames : kinds[f] == Schema.Type.DOUBLE ? doubleNames : stringNames;
                slots[f] = names.size();
                names.add(fields.get(f).name());
            }
            longRow = new long[longNames.size()];
            doubleRow = new double[doubleNames.size()];
            stringRow = new String[stringNames.size()];
            writer = new SegmentWriter(out, longNames, doubleNames, stringNames, BLOCK_ROWS);
        }

        void add(String seriesKey, long time, byte[] value) {
            if (missing != null || failure != null) {
                return;
            }
            GenericRecord record = records.decode(value);
            if (record == null) {
                missing = "a row at " + time + " of series " + seriesKey.replace(StreamSchema.SERIES_SEPARATOR, '|') + " does not decode";
                return;
            }
            stringRow[0] = seriesKey;
            for (int f = 0; f < fields.size(); f++) {
                Schema.Field writerField = record.getSchema().getField(fields.get(f).name());
                Object v = writerField == null ? null : record.get(writerField.pos());
                if (v == null) {
                    missing = "a row at " + time + " has no value for '" + fields.get(f).name() + "'";
                    return;
                }
                if (kinds[f] == Schema.Type.LONG && v instanceof Number n) {
                    longRow[slots[f]] = n.longValue();
                } else if (kinds[f] == Schema.Type.DOUBLE && v instanceof Number n) {
                    doubleRow[slots[f]] = n.doubleValue();
                } else if (kinds[f] == Schema.Type.STRING && !(v instanceof Number)) {
                    stringRow[slots[f]] = v.toString();
                } else {
                    // an older writer schema typed the field differently
                    missing = "field '" + fields.get(f).name() + "' of a row at " + time + " holds " + v.getClass().getSimpleName();
                    return;
                }
            }
            try {
                writer.add(time, longRow, doubleRow, stringRow);
            } catch (IOException e) {
                failure = e;
            }
        }

        void finish() throws IOException {
            writer.finish();
            out.flush();
        }
    }
}
