package io.platform.storage;

/**
 * Tuning of the RocksDB store. {@code syncWrites} fsyncs the WAL on every commit: it survives power loss, at a
 * latency cost; without it a commit survives a process crash (kill -9) because the WAL is in the OS page cache.
 *
 * @param syncWrites fsync each commit
 * @param writeBufferBytes memtable size per column family; larger means fewer flushes and less write amplification
 * @param blockCacheBytes shared block cache for reads
 * @param rowCompaction compaction style of the raw rows (the warm row tier); aggregates and offsets keep level style
 */
public record StorageOptions(boolean syncWrites, long writeBufferBytes, long blockCacheBytes, Compaction rowCompaction) {
    /**
     * How the raw rows' LSM tree is compacted. Per tier: the warm rows are written once per event and read by recent
     * time ranges until their partition is sealed (then deleted by range), so write amplification is what
     * {@link #UNIVERSAL} saves; {@link #LEVEL} keeps fewer files per read. Sealed segments are written once and never
     * compacted.
     */
    public enum Compaction { LEVEL, UNIVERSAL }

    public StorageOptions(boolean syncWrites, long writeBufferBytes, long blockCacheBytes) {
        this(syncWrites, writeBufferBytes, blockCacheBytes, Compaction.LEVEL);
    }

    public static StorageOptions defaults() {
        return new StorageOptions(false, 64L << 20, 512L << 20);
    }
}
