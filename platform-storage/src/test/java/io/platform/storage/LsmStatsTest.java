package io.platform.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LSM metrics count what RocksDB really wrote and read: flushes, compactions, blocks per read. */
class LsmStatsTest {
    @TempDir
    Path dir;

    @Test
    void writeAmplificationGrowsWithCompactionAndReadsTouchBlocks() {
        // a 1 MiB memtable: 16 MiB of rows flush many times, so compaction has work to do
        try (TimeSeriesStore store = TimeSeriesStore.open(dir, new StorageOptions(false, 1L << 20, 8L << 20))) {
            Random random = new Random(7);
            byte[] value = new byte[200];
            long offset = 0;
            for (int batchNumber = 0; batchNumber < 80; batchNumber++) {
                try (StoreBatch batch = store.newBatch()) {
                    for (int i = 0; i < 1000; i++, offset++) {
                        random.nextBytes(value);
                        batch.putRaw("lsm", "series-" + (offset % 50), 1_700_000_000_000L + offset, 0, offset, value);
                    }
                    store.commit(batch);
                }
            }
            store.flush();
            LsmStats afterFlush = store.lsmStats();
            assertTrue(afterFlush.userBytesWritten() >= 80_000L * 200, afterFlush.toString());
            assertTrue(afterFlush.flushBytesWritten() > 0, "memtables were flushed: " + afterFlush);
            assertTrue(afterFlush.walBytesWritten() >= afterFlush.userBytesWritten(), "every commit goes through the WAL: " + afterFlush);

            store.compactAll();
            LsmStats afterCompaction = store.lsmStats();
            assertTrue(afterCompaction.compactionBytesWritten() > 0, afterCompaction.toString());
            assertTrue(afterCompaction.writeAmplification() > afterFlush.writeAmplification(),
                    "compaction rewrites data: " + afterFlush.writeAmplification() + " -> " + afterCompaction.writeAmplification());

            long[] rows = {0};
            for (int s = 0; s < 50; s++) {
                store.scanRaw("lsm", "series-" + s, 1_700_000_000_000L, 1_700_000_000_000L + 80_000, (series, time, v) -> {
                    rows[0]++;
                    return true;
                });
            }
            assertEquals(80_000, rows[0]);
            LsmStats afterReads = store.lsmStats();
            assertTrue(afterReads.reads() >= 50, afterReads.toString());
            assertTrue(afterReads.readAmplification() > 1, "a series-range scan reads several 16 KiB blocks: " + afterReads.readAmplification());
        }
    }
}
