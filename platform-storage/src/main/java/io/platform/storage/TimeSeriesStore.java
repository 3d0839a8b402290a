package io.platform.storage;

import io.platform.wire.aggregate.WindowAggregate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Range;
import org.rocksdb.ReadOptions;
import org.rocksdb.ReadTier;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.SizeApproximationFlag;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.Statistics;
import org.rocksdb.StatsLevel;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
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
    private final ColumnFamilyOptions rowFamilyOptions;
    private final LRUCache blockCache;
    private final WriteOptions writeOptions;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final ColumnFamilyHandle raw;
    private final ColumnFamilyHandle aggregates;
    private final ColumnFamilyHandle offsets;
    // sealed partitions (the manifest of the segment tier); the default column family held nothing before
    private final ColumnFamilyHandle manifest;
    private final Path directory;
    // the partition being sealed (one at a time): a commit of raw rows into it after the seal's snapshot abandons the
    // seal, since the seal's range delete would remove rows its segment does not hold
    private final ReentrantReadWriteLock sealLock = new ReentrantReadWriteLock();
    private volatile long sealingFromMs = Long.MAX_VALUE;
    private volatile long sealingToMs = Long.MIN_VALUE;
    private volatile boolean sealConflict;
    // the oldest event time committed since a sealer last asked: tells it whether old hours got rows (a backfill)
    private final AtomicLong oldestRawCommitted = new AtomicLong(Long.MAX_VALUE);
    // counts bytes and blocks for the LSM metrics; timers off (EXCEPT_DETAILED_TIMERS), which is RocksDB's cheap level
    private final Statistics statistics = new Statistics();
    // the longest time span of any sealed partition, so a time-range lookup in the manifest can seek near its start;
    // only grows (read at open from the manifest, raised by each seal)
    private final AtomicLong longestPartitionMs = new AtomicLong();
    private volatile CommitHook commitHook;
    // commits a hook adds read-modify-write values to run one at a time: two must not read the same old value
    private final Object hookLock = new Object();

    /**
     * Derived data kept in step with the raw rows: called by {@link #commit} with the batch, before its atomic write,
     * so what it adds is written with the rows or not at all (a crash replays both from Kafka, or neither).
     */
    public interface CommitHook {
        /** True when the batch carries rows this hook derives from (then {@link #beforeWrite} runs, one commit at a time). */
        boolean touches(StoreBatch batch);

        /** Adds derived values to the batch; may read committed values, which no other hooked commit changes meanwhile. */
        void beforeWrite(StoreBatch batch);
    }

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
        this.rowFamilyOptions = new ColumnFamilyOptions(familyOptions).setCompactionStyle(
                options.rowCompaction() == StorageOptions.Compaction.UNIVERSAL ? CompactionStyle.UNIVERSAL : CompactionStyle.LEVEL);
        this.dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2)
                .setStatistics(statistics);
        statistics.setStatsLevel(StatsLevel.EXCEPT_DETAILED_TIMERS);
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
                new ColumnFamilyDescriptor("raw".getBytes(StandardCharsets.UTF_8), rowFamilyOptions),
                new ColumnFamilyDescriptor("aggregates".getBytes(StandardCharsets.UTF_8), familyOptions),
                new ColumnFamilyDescriptor("offsets".getBytes(StandardCharsets.UTF_8), familyOptions));
        this.db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
        this.raw = handles.get(1);
        this.aggregates = handles.get(2);
        this.offsets = handles.get(3);
        this.manifest = handles.get(0);
        this.writeOptions = new WriteOptions().setSync(options.syncWrites());
        scan(manifest, KeyLayout.SEALED_TAG, KeyLayout.SEALED_TAG, key -> 0, (key, value, time) -> {
            SealedPartition partition = SealedPartition.fromManifest("", KeyLayout.time(key, key.length - KeyLayout.TIME_LENGTH), value);
            longestPartitionMs.accumulateAndGet(partition.toMs() - partition.fromMs(), Math::max);
            return true;
        });
    }

    /** Opens (creating if needed) the store in {@code directory}. */
    public static TimeSeriesStore open(Path directory, StorageOptions options) {
        try {
            Files.createDirectories(directory);
            return new TimeSeriesStore(directory, options);
        } catch (RocksDBException | IOException e) {
            throw new StorageException("cannot open storage dir=" + directory + ": " + e.getMessage()
                    + " (is another node using this data dir?)", e);
        }
    }

    public StoreBatch newBatch() {
        return new StoreBatch(this);
    }

    /** Applies a batch atomically. */
    public void commit(StoreBatch batch) {
        // shared: commits run side by side; only a seal's final write excludes them, for microseconds
        sealLock.readLock().lock();
        try {
            if (batch.rawCount() > 0 && batch.maxRawTime >= sealingFromMs && batch.minRawTime < sealingToMs) {
                sealConflict = true;
            }
            if (batch.rawCount() > 0 && batch.minRawTime < oldestRawCommitted.get()) {
                oldestRawCommitted.accumulateAndGet(batch.minRawTime, Math::min);
            }
            CommitHook hook = commitHook;
            if (hook != null && batch.rawCount() > 0 && hook.touches(batch)) {
                synchronized (hookLock) {
                    hook.beforeWrite(batch);
                    db.write(writeOptions, batch.batch);
                }
            } else {
                db.write(writeOptions, batch.batch);
            }
        } catch (RocksDBException e) {
            throw new StorageException("storage commit failed dir=" + directory + ": " + e.getMessage(), e);
        } finally {
            sealLock.readLock().unlock();
        }
    }

    /** Installs the hook every later commit calls (null: none). One hook per store. */
    public void commitHook(CommitHook hook) {
        this.commitHook = hook;
    }

    /**
     * Runs {@code action} while no commit runs: every commit either finished before it or starts after it. Blocks
     * commits for as long as the action takes, so keep it to microseconds (set a flag, open a {@link #readView}).
     */
    public <T> T whileNoCommitRuns(Supplier<T> action) {
        sealLock.writeLock().lock();
        try {
            return action.get();
        } finally {
            sealLock.writeLock().unlock();
        }
    }

    /** The committed value of a view's key (see {@link StoreBatch#putViewValue}), or null. */
    public byte[] viewValue(String stream, String view, String series, long timeMs) {
        try {
            return db.get(aggregates, KeyLayout.aggregateKey(stream, view, series, timeMs));
        } catch (RocksDBException e) {
            throw new StorageException("cannot read view value stream=" + stream + " view=" + view, e);
        }
    }

    /** Deletes every key of a stream's view (window aggregates or derived values). */
    public void deleteView(String stream, String view) {
        byte[] prefix = KeyLayout.viewPrefix(stream, view);
        try {
            db.deleteRange(aggregates, prefix, KeyLayout.prefixEnd(prefix));
        } catch (RocksDBException e) {
            throw new StorageException("cannot delete view stream=" + stream + " view=" + view + " dir=" + directory, e);
        }
    }

    /** Receives the values of two views of a stream side by side, for one series and time; either value may be null. */
    public interface ViewPairVisitor {
        boolean visit(String series, long timeMs, byte[] first, byte[] second);
    }

    /**
     * Visits the keys of two views of a stream in series then time order, with {@code fromMs <= time < toMs}, one
     * series or all (null): each key once, with the value each view holds for it. Reads one consistent instant.
     */
    public void scanViewPair(String stream, String first, String second, String series, long fromMs, long toMs, ViewPairVisitor visitor) {
        byte[] firstPrefix = KeyLayout.viewPrefix(stream, first);
        byte[] secondPrefix = KeyLayout.viewPrefix(stream, second);
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions read = new ReadOptions().setSnapshot(snapshot);
             RocksIterator a = db.newIterator(aggregates, read); RocksIterator b = db.newIterator(aggregates, read)) {
            a.seek(series == null ? firstPrefix : KeyLayout.withTime(KeyLayout.seriesPrefix(firstPrefix, series), fromMs));
            b.seek(series == null ? secondPrefix : KeyLayout.withTime(KeyLayout.seriesPrefix(secondPrefix, series), fromMs));
            while (true) {
                byte[] keyA = a.isValid() && KeyLayout.startsWith(a.key(), firstPrefix) ? a.key() : null;
                byte[] keyB = b.isValid() && KeyLayout.startsWith(b.key(), secondPrefix) ? b.key() : null;
                if (keyA == null && keyB == null) {
                    return;
                }
                // the keys' tails (series, time) compare as the keys do: same layout after each view's prefix
                int c = keyA == null ? 1 : keyB == null ? -1 : Arrays.compareUnsigned(keyA, firstPrefix.length, keyA.length,
                        keyB, secondPrefix.length, keyB.length);
                byte[] key = c <= 0 ? keyA : keyB;
                int offset = c <= 0 ? firstPrefix.length : secondPrefix.length;
                String keySeries = KeyLayout.series(key, offset);
                long time = KeyLayout.time(key, KeyLayout.seriesEnd(key, offset));
                if (series != null && !keySeries.equals(series)) {
                    return;
                }
                if (time < fromMs || time >= toMs) {
                    // outside the range: jump both views to this series' fromMs, or past the series once beyond toMs
                    byte[] seriesPrefixA = KeyLayout.seriesPrefix(firstPrefix, keySeries);
                    byte[] seriesPrefixB = KeyLayout.seriesPrefix(secondPrefix, keySeries);
                    boolean before = time < fromMs;
                    a.seek(before ? KeyLayout.withTime(seriesPrefixA, fromMs) : KeyLayout.prefixEnd(seriesPrefixA));
                    b.seek(before ? KeyLayout.withTime(seriesPrefixB, fromMs) : KeyLayout.prefixEnd(seriesPrefixB));
                    if (!before && series != null) {
                        return;
                    }
                    continue;
                }
                if (!visitor.visit(keySeries, time, c <= 0 ? a.value() : null, c >= 0 ? b.value() : null)) {
                    return;
                }
                if (c <= 0) {
                    a.next();
                }
                if (c >= 0) {
                    b.next();
                }
            }
        } finally {
            db.releaseSnapshot(snapshot);
        }
    }

    /** Stores a small named setting durably (in the manifest family, apart from sealed partitions). */
    public void putSetting(String name, byte[] value) {
        try {
            db.put(manifest, KeyLayout.settingKey(name), value);
        } catch (RocksDBException e) {
            throw new StorageException("cannot store setting name=" + name + " dir=" + directory, e);
        }
    }

    public void deleteSetting(String name) {
        try {
            db.delete(manifest, KeyLayout.settingKey(name));
        } catch (RocksDBException e) {
            throw new StorageException("cannot delete setting name=" + name + " dir=" + directory, e);
        }
    }

    /** The settings whose names start with {@code prefix}, by name. */
    public Map<String, byte[]> settings(String prefix) {
        byte[] start = KeyLayout.settingKey(prefix);
        Map<String, byte[]> found = new TreeMap<>();
        scan(manifest, start, start, key -> 0, (key, value, time) -> {
            found.put(new String(key, KeyLayout.SETTING_TAG.length, key.length - KeyLayout.SETTING_TAG.length,
                    StandardCharsets.UTF_8), value);
            return true;
        });
        return found;
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
     * (series null), in series then time order. Rows moved into sealed segments are not among them: read through a
     * {@link #readView} to see both consistently.
     */
    public void scanRaw(String stream, String series, long fromMs, long toMs, RawEventVisitor visitor) {
        scanRaw(null, stream, series, fromMs, toMs, visitor);
    }

    private void scanRaw(Snapshot snapshot, String stream, String series, long fromMs, long toMs, RawEventVisitor visitor) {
        byte[] streamPrefix = KeyLayout.streamPrefix(stream);
        int seriesLengthOffset = streamPrefix.length;
        if (series != null) {
            byte[] prefix = KeyLayout.seriesPrefix(streamPrefix, series);
            scan(snapshot, raw, prefix, KeyLayout.withTime(prefix, fromMs), key -> {
                long time = KeyLayout.time(key, prefix.length);
                return time < toMs ? time : Long.MIN_VALUE;
            }, (key, value, time) -> visitor.visit(series, time, value));
            return;
        }
        scan(snapshot, raw, streamPrefix, streamPrefix, key -> KeyLayout.time(key, KeyLayout.seriesEnd(key, seriesLengthOffset)),
                (key, value, time) -> time < fromMs || time >= toMs
                        || visitor.visit(KeyLayout.series(key, seriesLengthOffset), time, value));
    }

    /**
     * A consistent view of the raw rows and the sealed partitions at one instant: a partition sealed while the view is
     * open is still read from the rows it was sealed from, so a reader sees every row exactly once. Close it promptly
     * (it pins a RocksDB snapshot). Thread-safe.
     */
    public final class ReadView implements AutoCloseable {
        private final Snapshot snapshot = db.getSnapshot();

        /** As {@link TimeSeriesStore#scanRaw}, at the view's instant. */
        public void scanRaw(String stream, String series, long fromMs, long toMs, RawEventVisitor visitor) {
            TimeSeriesStore.this.scanRaw(snapshot, stream, series, fromMs, toMs, visitor);
        }

        /** The stream's sealed partitions overlapping {@code [fromMs, toMs)}, oldest first. */
        public List<SealedPartition> sealed(String stream, long fromMs, long toMs) {
            return TimeSeriesStore.this.sealed(snapshot, stream, fromMs, toMs);
        }

        @Override
        public void close() {
            db.releaseSnapshot(snapshot);
            // the snapshot belongs to the DB: releasing it is the whole cleanup
        }
    }

    public ReadView readView() {
        return new ReadView();
    }

    /** The stream's sealed partitions overlapping {@code [fromMs, toMs)}, oldest first. */
    public List<SealedPartition> sealed(String stream, long fromMs, long toMs) {
        return sealed(null, stream, fromMs, toMs);
    }

    private List<SealedPartition> sealed(Snapshot snapshot, String stream, long fromMs, long toMs) {
        byte[] prefix = KeyLayout.sealedPrefix(stream);
        List<SealedPartition> partitions = new ArrayList<>();
        // no partition spans more than longestPartitionMs, so none starting earlier than that before fromMs reaches
        // it: one seek instead of walking every older partition (a lookup in the middle of 279 hours read 140 entries)
        long span = longestPartitionMs.get();
        byte[] seek = fromMs == Long.MIN_VALUE || fromMs - span > fromMs ? prefix : KeyLayout.withTime(prefix, fromMs - span);
        scan(snapshot, manifest, prefix, seek, key -> KeyLayout.time(key, prefix.length), (key, value, time) -> {
            SealedPartition partition = SealedPartition.fromManifest(stream, time, value);
            if (partition.toMs() > fromMs && partition.fromMs() < toMs) {
                partitions.add(partition);
            }
            return partition.fromMs() < toMs;
        });
        return partitions;
    }

    /** The series of a stream that have raw rows, in key order: one seek per series, no rows read. */
    private List<String> seriesWithRows(String stream) {
        byte[] streamPrefix = KeyLayout.streamPrefix(stream);
        List<String> series = new ArrayList<>();
        try (ReadOptions read = new ReadOptions(); RocksIterator it = db.newIterator(raw, read)) {
            it.seek(streamPrefix);
            while (it.isValid() && KeyLayout.startsWith(it.key(), streamPrefix)) {
                byte[] key = it.key();
                int seriesEnd = KeyLayout.seriesEnd(key, streamPrefix.length);
                series.add(KeyLayout.series(key, streamPrefix.length));
                // past every key of this series: its keys end with 20 bytes of time, partition and offset
                byte[] past = Arrays.copyOf(key, seriesEnd + KeyLayout.RAW_SUFFIX_LENGTH + 1);
                Arrays.fill(past, seriesEnd, past.length, (byte) 0xff);
                it.seek(past);
            }
        }
        return series;
    }

    /**
     * The earliest event time at or after {@code fromMs} among a stream's raw rows, or Long.MAX_VALUE when there is
     * none: two seeks per series, so a sealer jumps over empty hours (a stream with rows from 1970 and from today has
     * half a million empty hours between them) instead of visiting each.
     */
    public long nextRawTime(String stream, long fromMs) {
        byte[] streamPrefix = KeyLayout.streamPrefix(stream);
        long next = Long.MAX_VALUE;
        try (ReadOptions read = new ReadOptions(); RocksIterator it = db.newIterator(raw, read)) {
            for (String series : seriesWithRows(stream)) {
                byte[] prefix = KeyLayout.seriesPrefix(streamPrefix, series);
                it.seek(KeyLayout.withTime(prefix, fromMs));
                if (it.isValid() && KeyLayout.startsWith(it.key(), prefix)) {
                    next = Math.min(next, KeyLayout.time(it.key(), prefix.length));
                }
            }
        }
        return next;
    }

    /**
     * About how many raw rows of {@code stream} (one series, or all when null) have an event time in [fromMs, toMs),
     * without reading rows from disk: the entries in the memtables (in memory) counted, plus the range's bytes in SST
     * files, by RocksDB's estimate, over the family's average bytes per stored row. Per series for a time range (a row key is series then
     * time); over all series the sum of the series' estimates, up to {@value #ESTIMATE_SERIES_LIMIT} series (beyond that,
     * the whole stream's rows whatever the range: an upper bound). For EXPLAIN; exact only by chance.
     */
    public long estimateRawRows(String stream, String series, long fromMs, long toMs) {
        byte[] streamPrefix = KeyLayout.streamPrefix(stream);
        try {
            double bytesPerRow = sstBytesPerRow();
            if (series != null) {
                byte[] prefix = KeyLayout.seriesPrefix(streamPrefix, series);
                return estimateRows(KeyLayout.withTime(prefix, fromMs), KeyLayout.withTime(prefix, toMs), bytesPerRow);
            }
            List<String> all = seriesWithRows(stream);
            if (all.size() > ESTIMATE_SERIES_LIMIT) {
                return estimateRows(streamPrefix, KeyLayout.prefixEnd(streamPrefix), bytesPerRow);
            }
            long rows = 0;
            for (String one : all) {
                byte[] prefix = KeyLayout.seriesPrefix(streamPrefix, one);
                rows += estimateRows(KeyLayout.withTime(prefix, fromMs), KeyLayout.withTime(prefix, toMs), bytesPerRow);
            }
            return rows;
        } catch (RocksDBException e) {
            throw new StorageException("cannot estimate the rows of stream=" + stream, e);
        }
    }

    static final int ESTIMATE_SERIES_LIMIT = 1_000;

    private long estimateRows(byte[] start, byte[] end, double sstBytesPerRow) {
        try (Slice from = new Slice(start); Slice to = new Slice(end);
             ReadOptions memtablesOnly = new ReadOptions().setReadTier(ReadTier.MEMTABLE_TIER).setIterateUpperBound(to);
             RocksIterator it = db.newIterator(raw, memtablesOnly)) {
            // the memtables are in memory and small (storage.write-buffer): counted, since RocksDB's own estimate for a
            // memtable range is 0 for small ranges; the files are estimated from their bytes
            long inMemory = 0;
            for (it.seek(start); it.isValid(); it.next()) {
                inMemory++;
            }
            long sstBytes = db.getApproximateSizes(raw, List.of(new Range(from, to)), SizeApproximationFlag.INCLUDE_FILES)[0];
            return inMemory + (sstBytesPerRow > 0 ? Math.round(sstBytes / sstBytesPerRow) : 0);
        }
    }

    /** The raw family's SST bytes per row stored in SST files (compressed), or 0 when nothing is in files yet. */
    private double sstBytesPerRow() throws RocksDBException {
        long sstBytes = db.getLongProperty(raw, "rocksdb.total-sst-files-size");
        long keys = db.getLongProperty(raw, "rocksdb.estimate-num-keys");
        long inMemory = db.getLongProperty(raw, "rocksdb.num-entries-active-mem-table")
                + db.getLongProperty(raw, "rocksdb.num-entries-imm-mem-tables");
        long inFiles = keys - inMemory;
        return sstBytes == 0 || inFiles <= 0 ? 0 : (double) sstBytes / inFiles;
    }

    /** The oldest event time of the raw rows committed since the last call (Long.MAX_VALUE for none); resets it. */
    public long takeOldestRawCommitted() {
        return oldestRawCommitted.getAndSet(Long.MAX_VALUE);
    }

    /** Receives the raw rows being sealed, in series then time order. */
    public interface SealSource {
        void row(String series, long eventTimeMs, byte[] value);
    }

    /**
     * Moves the raw rows of {@code [fromMs, toMs)} out of the row store, in two steps around the caller's work:
     * {@code build} reads the rows at one instant and writes the segment file; then, in one atomic write, the
     * partition enters the manifest and each series' rows of the range are deleted (range deletes, which readers and
     * compaction skip cheaply). Should a commit write a raw row into the range meanwhile (a late event, a replay), the
     * seal is abandoned and returns null: the rows stay, nothing is lost, and the next attempt includes the new row.
     * One seal at a time (synchronized).
     *
     * @param build reads the rows through its source and returns the sealed partition it wrote, or null to abandon
     */
    public synchronized SealedPartition seal(String stream, long fromMs, long toMs, Function<Consumer<SealSource>, SealedPartition> build) {
        sealLock.writeLock().lock();
        try {
            // set while no commit runs: a commit either finished before (its rows are in the snapshot) or sees the range
            sealConflict = false;
            sealingFromMs = fromMs;
            sealingToMs = toMs;
        } finally {
            sealLock.writeLock().unlock();
        }
        Snapshot snapshot = db.getSnapshot();
        try (WriteBatch seal = new WriteBatch()) {
            byte[] streamPrefix = KeyLayout.streamPrefix(stream);
            SealedPartition partition = build.apply(source -> {
                for (String series : seriesWithRows(stream)) {
                    byte[] prefix = KeyLayout.seriesPrefix(streamPrefix, series);
                    try {
                        seal.deleteRange(raw, KeyLayout.withTime(prefix, fromMs), KeyLayout.withTime(prefix, toMs));
                    } catch (RocksDBException e) {
                        throw new StorageException("cannot stage a seal delete: " + e.getMessage(), e);
                    }
                    scan(snapshot, raw, prefix, KeyLayout.withTime(prefix, fromMs), key -> {
                        long time = KeyLayout.time(key, prefix.length);
                        return time < toMs ? time : Long.MIN_VALUE;
                    }, (key, value, time) -> {
                        source.row(series, time, value);
                        return true;
                    });
                }
            });
            if (partition == null) {
                return null;
            }
            seal.put(manifest, KeyLayout.withTime(KeyLayout.sealedPrefix(stream), fromMs), partition.toManifest());
            // before the write: a reader that sees the partition must also see a bound that covers it
            longestPartitionMs.accumulateAndGet(partition.toMs() - partition.fromMs(), Math::max);
            sealLock.writeLock().lock();
            try {
                if (sealConflict) {
                    return null;
                }
                db.write(writeOptions, seal);
            } finally {
                sealLock.writeLock().unlock();
            }
            // range deletes in the memtable are checked key by key by every iterator (a one-series lookup after a
            // seal went from 0.1 to 31 ms); flushed into a table file they are skipped whole
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                db.flush(flush, raw);
            }
            return partition;
        } catch (RocksDBException e) {
            throw new StorageException("seal of " + stream + " [" + fromMs + "," + toMs + ") failed dir=" + directory
                    + ": " + e.getMessage(), e);
        } finally {
            sealingFromMs = Long.MAX_VALUE;
            sealingToMs = Long.MIN_VALUE;
            db.releaseSnapshot(snapshot);
            // the snapshot belongs to the DB: releasing it is the whole cleanup
        }
    }

    public Path directory() {
        return directory;
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
        scan(null, family, prefix, seek, timeOf, row);
    }

    private void scan(Snapshot snapshot, ColumnFamilyHandle family, byte[] prefix, byte[] seek, TimeOf timeOf, Row row) {
        try (ReadOptions read = new ReadOptions().setPrefixSameAsStart(false).setSnapshot(snapshot);
             RocksIterator it = db.newIterator(family, read)) {
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
        return statistics.getTickerCount(TickerType.STALL_MICROS);
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
        return new LsmStats(statistics.getTickerCount(TickerType.BYTES_WRITTEN),
                statistics.getTickerCount(TickerType.FLUSH_WRITE_BYTES),
                statistics.getTickerCount(TickerType.COMPACT_WRITE_BYTES),
                statistics.getTickerCount(TickerType.COMPACT_READ_BYTES),
                statistics.getTickerCount(TickerType.WAL_FILE_BYTES),
                stallMicros(),
                statistics.getTickerCount(TickerType.BLOCK_CACHE_DATA_HIT) + statistics.getTickerCount(TickerType.BLOCK_CACHE_DATA_MISS),
                statistics.getTickerCount(TickerType.NUMBER_KEYS_READ) + statistics.getTickerCount(TickerType.NUMBER_DB_SEEK),
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
        try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
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
        rowFamilyOptions.close();
        blockCache.close();
    }
}
