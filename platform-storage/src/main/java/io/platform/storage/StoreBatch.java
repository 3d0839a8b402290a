package io.platform.storage;

import io.platform.wire.aggregate.WindowAggregate;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Writes collected for one atomic commit: raw events, aggregates and the Kafka offsets they came from. Applied all or
 * nothing by {@link TimeSeriesStore#commit}. Not thread-safe; use one per writer thread and {@link #clear} to reuse.
 */
public final class StoreBatch implements AutoCloseable {
    final WriteBatch batch = new WriteBatch();
    private final TimeSeriesStore store;
    private int rawCount;
    // the raw rows by reference, for a commit hook that folds them into derived data (rollups) in the same write
    private String[] rawStreams = new String[64];
    private String[] rawSeries = new String[64];
    private long[] rawTimes = new long[64];
    private byte[][] rawValues = new byte[64][];
    // the event-time range of the raw rows, so a commit can tell whether it writes into a partition being sealed
    long minRawTime = Long.MAX_VALUE;
    long maxRawTime = Long.MIN_VALUE;

    StoreBatch(TimeSeriesStore store) {
        this.store = store;
    }

    /** Adds a raw event; {@code wireValue} is its wire-format value (magic, schema id, Avro body). */
    public void putRaw(String stream, String series, long eventTimeMs, int partition, long offset, byte[] wireValue) {
        try {
            batch.put(store.rawFamily(), KeyLayout.rawKey(stream, series, eventTimeMs, partition, offset), wireValue);
            if (rawCount == rawTimes.length) {
                int grown = rawCount * 2;
                rawStreams = Arrays.copyOf(rawStreams, grown);
                rawSeries = Arrays.copyOf(rawSeries, grown);
                rawTimes = Arrays.copyOf(rawTimes, grown);
                rawValues = Arrays.copyOf(rawValues, grown);
            }
            rawStreams[rawCount] = stream;
            rawSeries[rawCount] = series;
            rawTimes[rawCount] = eventTimeMs;
            rawValues[rawCount] = wireValue;
            rawCount++;
            minRawTime = Math.min(minRawTime, eventTimeMs);
            maxRawTime = Math.max(maxRawTime, eventTimeMs);
        } catch (RocksDBException e) {
            throw new StorageException("cannot add raw event to batch: " + e.getMessage(), e);
        }
    }

    /** Adds (or replaces: one key per series and window) a window aggregate. */
    public void putAggregate(WindowAggregate aggregate) {
        putViewValue(aggregate.stream, aggregate.view, aggregate.series, aggregate.windowStartMs, aggregate.toWire());
    }

    /**
     * Adds (or replaces) the value of a view's key in the aggregates family: derived data a {@link TimeSeriesStore.CommitHook}
     * or a backfill keeps beside the window aggregates, one key per series and time.
     */
    public void putViewValue(String stream, String view, String series, long timeMs, byte[] value) {
        try {
            batch.put(store.aggregateFamily(), KeyLayout.aggregateKey(stream, view, series, timeMs), value);
        } catch (RocksDBException e) {
            throw new StorageException("cannot add view value to batch: " + e.getMessage(), e);
        }
    }

    /** Records that everything of {@code topic/partition} before {@code nextOffset} is in this batch or earlier ones. */
    public void putOffset(String topic, int partition, long nextOffset) {
        try {
            batch.put(store.offsetFamily(), KeyLayout.offsetKey(topic, partition), ByteBuffer.allocate(8).putLong(nextOffset).array());
        } catch (RocksDBException e) {
            throw new StorageException("cannot add offset to batch: " + e.getMessage(), e);
        }
    }

    public int rawCount() {
        return rawCount;
    }

    /** The stream of raw row {@code i} (0 to rawCount, in the order added). */
    public String rawStream(int i) {
        return rawStreams[i];
    }

    public String rawSeries(int i) {
        return rawSeries[i];
    }

    public long rawTimeMs(int i) {
        return rawTimes[i];
    }

    /** The wire-format value of raw row {@code i}; not a copy, do not change it. */
    public byte[] rawValue(int i) {
        return rawValues[i];
    }

    /** Bytes of keys and values in the batch: what a commit writes, for I/O budgets. */
    public long bytes() {
        return batch.getDataSize();
    }

    public int size() {
        return batch.count();
    }

    public void clear() {
        batch.clear();
        Arrays.fill(rawValues, 0, rawCount, null);
        rawCount = 0;
        minRawTime = Long.MAX_VALUE;
        maxRawTime = Long.MIN_VALUE;
    }

    @Override
    public void close() {
        batch.close();
    }
}
