package io.platform.storage;

import io.platform.wire.aggregate.WindowAggregate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * The warm tier: raw events and window aggregates in RocksDB column families, with the Kafka offsets they came from
 * committed in the same atomic write. Reads never block writes. Thread-safe.
 */
public final class TimeSeriesStore implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions familyOptions;
    private final LRUCache blockCache;
    private final WriteOptions writeOptions;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final ColumnFamilyHandle raw;
    private final ColumnFamilyHandle aggregates;
    private final ColumnFamilyHandle offsets;
    private final Path directory;
    // counts bytes and blocks for the LSM metrics; timers off (EXCEPT_DETAILED_TIMERS), which is RocksDB's cheap level
    private final org.rocksdb.Statistics statistics = new org.rocksdb.Statistics();

    private TimeSeriesStore(Path directory, StorageOptions options) throws RocksDBException {
        this.directory = directory;
        this.blockCache = new LRUCache(options.blockCacheBytes());
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(blockCache)
                .setFilterPolicy(new BloomFilter(10, false))
                .setBlockSize(16 * 1024);
        this.familyOptions = new ColumnFamilyOptions()
                .setWriteBufferSize(options.writeBufferBytes())
                .setMaxWriteBufferNumber(4)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(table);
        this.dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2)
                .setStatistics(statistics);
        statistics.setStatsLevel(org.rocksdb.StatsLevel.EXCEPT_DETAILED_TIMERS);
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
                new ColumnFamilyDescriptor("raw".getBytes(StandardCharsets.UTF_8), familyOptions),
                new ColumnFamilyDescriptor("aggregates".getBytes(StandardCharsets.UTF_8), familyOptions),
                new ColumnFamilyDescriptor("offsets".getBytes(StandardCharsets.UTF_8), familyOptions));
        this.db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
        this.raw = handles.get(1);
        this.aggregates = handles.get(2);
        this.offsets = handles.get(3);
        this.writeOptions = new WriteOptions().setSync(options.syncWrites());
    }

    /** Opens (creating if needed) the store in {@code directory}. */
    public static TimeSeriesStore open(Path directory, StorageOptions options) {
        try {
            Files.createDirectories(directory);
            return new TimeSeriesStore(directory, options);
        } catch (RocksDBException | java.io.IOException e) {
            throw new StorageException("cannot open storage dir=" + directory + ": " + e.getMessage()
                    + " (is another node using this data dir?)", e);
        }
    }

    public StoreBatch newBatch() {
        return new StoreBatch(this);
    }

    /** Applies a batch atomically. */
    public void commit(StoreBatch batch) {
        try {
            db.write(writeOptions, batch.batch);
        } catch (RocksDBException e) {
            throw new StorageException("storage commit failed dir=" + directory + ": " + e.getMessage(), e);
        }
    }

    /** The next Kafka offset to read for a partition, or -1 when storage has nothing of it. */
    public long committedOffset(String topic, int partition) {
        try {
            byte[] value = db.get(offsets, KeyLayout.offsetKey(topic, partition));
            return value == null ? -1 : ByteBuffer.wrap(value).getLong();
        } catch (RocksDBException e) {
            throw new StorageException("cannot read offset topic=" + topic + " partition=" + partition, e);
        }
    }

    /**
     * Visits raw events of a stream with {@code fromMs <= eventTime < toMs}, for one series (one seek) or all
     * (series null), in series then time order.
     */
    public void scanRaw(String stream, String series, long fromMs, long toMs, RawEventVisitor visitor) {
        byte[] streamPrefix = KeyLayout.streamPrefix(stream);
        int seriesLengthOffset = streamPrefix.length;
        if (series != null) {
            byte[] prefix = KeyLayout.seriesPrefix(streamPrefix, series);
            scan(raw, prefix, KeyLayout.withTime(prefix, fromMs), key -> {
                long time = KeyLayout.time(key, prefix.length);
                return time < toMs ? time : Long.MIN_VALUE;
            }, (key, value, time) -> visitor.visit(series, time, value));
            return;
        }
        scan(raw, streamPrefix, streamPrefix, key -> KeyLayout.time(key, KeyLayout.seriesEnd(key, seriesLengthOffset)),
                (key, value, time) -> time < fromMs || time >= toMs || visitor.visit(KeyLayout.series(key, seriesLengthOffset), time, value));
    }

    /** Visits aggregates of a stream's view with {@code fromMs <= windowStart < toMs}, one series or all. */
    public void scanAggregates(String stream, String view, String series, long fromMs, long toMs, AggregateVisitor visitor) {
        byte[] viewPrefix = KeyLayout.viewPrefix(stream, view);
        byte[] prefix = series == null ? viewPrefix : KeyLayout.seriesPrefix(viewPrefix, series);
        byte[] seek = series == null ? viewPrefix : KeyLayout.withTime(prefix, fromMs);
        scan(aggregates, prefix, seek, key -> KeyLayout.time(key, KeyLayout.seriesEnd(key, viewPrefix.length)), (key, value, time) -> {
            if (time < fromMs || time >= toMs) {
                return series == null || time < toMs;
            }
            return visitor.visit(WindowAggregate.fromWire(value));
        });
    }

    private interface TimeOf {
        /** The key's time, or Long.MIN_VALUE to end the scan. */
        long time(byte[] key);
    }

    private interface Row {
        boolean accept(byte[] key, byte[] value, long time);
    }

    private void scan(ColumnFamilyHandle family, byte[] prefix, byte[] seek, TimeOf timeOf, Row row) {
        try (ReadOptions read = new ReadOptions().setPrefixSameAsStart(false); RocksIterator it = db.newIterator(family, read)) {
            for (it.seek(seek); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (!KeyLayout.startsWith(key, prefix)) {
                    break;
                }
                long time = timeOf.time(key);
                if (time == Long.MIN_VALUE || !row.accept(key, it.value(), time)) {
                    break;
                }
            }
        }
    }

    ColumnFamilyHandle rawFamily() {
        return raw;
    }

    ColumnFamilyHandle aggregateFamily() {
        return aggregates;
    }

    ColumnFamilyHandle offsetFamily() {
        return offsets;
    }

    /**
     * Time writers were stalled or slowed since the store opened, in microseconds: one statistics counter, cheap enough
     * to read every second ({@link #lsmStats} also reads every column family's properties). Thread-safe.
     */
    public long stallMicros() {
        return statistics.getTickerCount(org.rocksdb.TickerType.STALL_MICROS);
    }

    /** Write and read amplification, stalls and compaction backlog since the store opened. Thread-safe. */
    public LsmStats lsmStats() {
        long pending = 0;
        long level0 = 0;
        try {
            for (ColumnFamilyHandle family : handles) {
                pending += db.getLongProperty(family, "rocksdb.estimate-pending-compaction-bytes");
                level0 += Long.parseLong(db.getProperty(family, "rocksdb.num-files-at-level0"));
            }
        } catch (RocksDBException | NumberFormatException e) {
            // a property this RocksDB does not have: report what the statistics know
        }
        return new LsmStats(statistics.getTickerCount(org.rocksdb.TickerType.BYTES_WRITTEN),
                statistics.getTickerCount(org.rocksdb.TickerType.FLUSH_WRITE_BYTES),
                statistics.getTickerCount(org.rocksdb.TickerType.COMPACT_WRITE_BYTES),
                statistics.getTickerCount(org.rocksdb.TickerType.COMPACT_READ_BYTES),
                statistics.getTickerCount(org.rocksdb.TickerType.WAL_FILE_BYTES),
                stallMicros(),
                statistics.getTickerCount(org.rocksdb.TickerType.BLOCK_CACHE_DATA_HIT) + statistics.getTickerCount(org.rocksdb.TickerType.BLOCK_CACHE_DATA_MISS),
                statistics.getTickerCount(org.rocksdb.TickerType.NUMBER_KEYS_READ) + statistics.getTickerCount(org.rocksdb.TickerType.NUMBER_DB_SEEK),
                pending, level0);
    }

    /** Compacts every column family fully, e.g. to measure what compaction costs. */
    public void compactAll() {
        try {
            for (ColumnFamilyHandle family : handles) {
                db.compactRange(family);
            }
        } catch (RocksDBException e) {
            throw new StorageException("compaction failed dir=" + directory, e);
        }
    }

    /** Flushes memtables to disk; used before a clean shutdown so restart does not replay the WAL. */
    public void flush() {
        try (org.rocksdb.FlushOptions options = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
            db.flush(options, handles);
        } catch (RocksDBException e) {
            throw new StorageException("flush failed dir=" + directory, e);
        }
    }

    @Override
    public void close() {
        for (ColumnFamilyHandle handle : handles) {
            handle.close();
        }
        db.close();
        writeOptions.close();
        dbOptions.close();
        statistics.close();
        familyOptions.close();
        blockCache.close();
    }
}
