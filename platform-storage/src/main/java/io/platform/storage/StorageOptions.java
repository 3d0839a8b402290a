package io.platform.storage;

/**
 * Tuning of the RocksDB store. {@code syncWrites} fsyncs the WAL on every commit: it survives power loss, at a
 * latency cost; without it a commit survives a process crash (kill -9) because the WAL is in the OS page cache.
 *
 * @param syncWrites fsync each commit
 * @param writeBufferBytes memtable size per column family; larger means fewer flushes and less write amplification
 * @param blockCacheBytes shared block cache for reads
 */
public record StorageOptions(boolean syncWrites, long writeBufferBytes, long blockCacheBytes) {
    public static StorageOptions defaults() {
        return new StorageOptions(false, 64L << 20, 128L << 20);
    }
}
