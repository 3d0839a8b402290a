package io.platform.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.platform.wire.aggregate.WindowAggregate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeSeriesStoreTest {
    @TempDir
    Path dir;

    private static byte[] value(int i) {
        return new byte[] {0, 0, 0, 0, 100, (byte) i};
    }

    @Test
    void shouldScanOneSeriesTimeRangeInTimeOrderIncludingNegativeTimes() {
        try (TimeSeriesStore store = TimeSeriesStore.open(dir, StorageOptions.defaults()); StoreBatch batch = store.newBatch()) {
            long[] times = {5, -3, 100, 42, 7, 0};
            for (int i = 0; i < times.length; i++) {
                batch.putRaw("s", "a", times[i], 0, i, value(i));
                batch.putRaw("s", "b", times[i], 1, i, value(i));
                batch.putRaw("s2", "a", times[i], 0, i, value(i));
            }
            store.commit(batch);
            List<Long> seen = new ArrayList<>();
            store.scanRaw("s", "a", -3, 42, (series, time, v) -> seen.add(time));
            assertEquals(List.of(-3L, 0L, 5L, 7L), seen);
            seen.clear();
            store.scanRaw("s", null, 0, 8, (series, time, v) -> seen.add(time));
            assertEquals(List.of(0L, 5L, 7L, 0L, 5L, 7L), seen);
        }
    }

    @Test
    void findsEveryPartitionOverlappingARangeWhenPartitionLengthsDiffer() {
        long hour = 3_600_000L;
        // as after storage.seal.partition went from 4h to 1h: a long partition before short ones
        List<long[]> spans = List.of(new long[] {0, 4 * hour}, new long[] {4 * hour, 5 * hour}, new long[] {5 * hour, 6 * hour});
        for (int open = 0; open < 2; open++) {
            try (TimeSeriesStore store = TimeSeriesStore.open(dir, StorageOptions.defaults())) {
                if (open == 0) {
                    for (long[] span : spans) {
                        store.seal("s", span[0], span[1], source -> new SealedPartition("s", span[0], span[1], 1, "p" + span[0]));
                    }
                }
                // a lookup at 3.5 h seeks near its time, but no earlier than the longest partition allows: 0..4 h is found
                assertEquals(List.of("p0"), files(store.sealed("s", 3 * hour + hour / 2, 3 * hour + hour / 2 + 1)), "reopened: " + (open == 1));
                assertEquals(List.of("p0", "p" + 4 * hour), files(store.sealed("s", 3 * hour, 4 * hour + 1)));
                assertEquals(List.of("p" + 5 * hour), files(store.sealed("s", 5 * hour, Long.MAX_VALUE)));
                assertEquals(3, store.sealed("s", Long.MIN_VALUE, Long.MAX_VALUE).size());
            }
        }
    }

    private static List<String> files(List<SealedPartition> partitions) {
        return partitions.stream().map(SealedPartition::file).toList();
    }

    @Test
    void shouldCommitOffsetsAtomicallyAndKeepThemAcrossReopen() {
        try (TimeSeriesStore store = TimeSeriesStore.open(dir, StorageOptions.defaults()); StoreBatch batch = store.newBatch()) {
            assertEquals(-1, store.committedOffset("ingest.s", 0));
            batch.putRaw("s", "a", 1, 0, 41, value(1));
            batch.putOffset("ingest.s", 0, 42);
            store.commit(batch);
        }
        try (TimeSeriesStore store = TimeSeriesStore.open(dir, StorageOptions.defaults())) {
            assertEquals(42, store.committedOffset("ingest.s", 0));
            int[] rows = {0};
            store.scanRaw("s", null, Long.MIN_VALUE, Long.MAX_VALUE, (series, time, v) -> ++rows[0] > 0);
            assertEquals(1, rows[0]);
        }
    }

    @Test
    void shouldReplaceAggregateOfSameSeriesAndWindowSoReplaysDoNotDoubleCount() {
        try (TimeSeriesStore store = TimeSeriesStore.open(dir, StorageOptions.defaults()); StoreBatch batch = store.newBatch()) {
            for (int replay = 0; replay < 3; replay++) {
                batch.putAggregate(aggregate("a", 1000, 5));
                batch.putAggregate(aggregate("a", 2000, 7));
                batch.putAggregate(aggregate("b", 1000, 1));
                store.commit(batch);
                batch.clear();
            }
            List<String> seen = new ArrayList<>();
            store.scanAggregates("s", "1s", null, 0, Long.MAX_VALUE, a -> seen.add(a.series + "@" + a.windowStartMs + "=" + a.count));
            assertEquals(List.of("a@1000=5", "a@2000=7", "b@1000=1"), seen);
            seen.clear();
            store.scanAggregates("s", "1s", "a", 1500, 3000, a -> seen.add(a.series + "@" + a.windowStartMs));
            assertEquals(List.of("a@2000"), seen);
        }
    }

    private static WindowAggregate aggregate(String series, long start, long count) {
        WindowAggregate a = new WindowAggregate();
        a.stream = "s";
        a.view = "1s";
        a.series = series;
        a.windowStartMs = start;
        a.windowEndMs = start + 1000;
        a.count = count;
        a.fields = new String[0];
        a.sums = new double[0];
        a.mins = new double[0];
        a.maxs = new double[0];
        return a;
    }
}
