package io.platform.storage;

/**
 * The LSM tree's costs since the store opened, from RocksDB's statistics and properties.
 *
 * @param userBytesWritten bytes the platform wrote (keys and values of committed batches)
 * @param flushBytesWritten bytes memtable flushes wrote to SST files
 * @param compactionBytesWritten bytes compactions wrote
 * @param compactionBytesRead bytes compactions read
 * @param walBytesWritten bytes written to the write-ahead log
 * @param stallMicros time writers were stalled or slowed because flushes or compactions fell behind
 * @param dataBlocksRead data blocks reads touched (block cache hits and misses)
 * @param reads point lookups and iterator seeks
 * @param pendingCompactionBytes what compaction still has to rewrite to reach the target level sizes
 * @param level0Files SST files in level 0 (each read may have to check every one of them)
 */
public record LsmStats(long userBytesWritten, long flushBytesWritten, long compactionBytesWritten, long compactionBytesRead,
                       long walBytesWritten, long stallMicros, long dataBlocksRead, long reads, long pendingCompactionBytes,
                       long level0Files) {
    /**
     * Bytes written to SST files per byte the platform wrote: (flush + compaction writes) / user bytes. The WAL is left
     * out (it is the same for every LSM setting); compression can make this less than 1 after flushes only.
     */
    public double writeAmplification() {
        return userBytesWritten == 0 ? 0 : (double) (flushBytesWritten + compactionBytesWritten) / userBytesWritten;
    }

    /** Data blocks touched per read (lookup or seek): what bloom filters and the level layout keep low. */
    public double readAmplification() {
        return reads == 0 ? 0 : (double) dataBlocksRead / reads;
    }
}
