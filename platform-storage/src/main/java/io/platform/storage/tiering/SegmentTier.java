package io.platform.storage.tiering;

import io.platform.storage.SealedPartition;
import io.platform.storage.StorageException;
import io.platform.storage.columnar.ColumnarSegment;
import io.platform.storage.columnar.DecodedColumns;
import io.platform.storage.columnar.SegmentFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sealed segments of a store: {@code <dir>/<stream>/<from>-<to>.seg}, opened memory-mapped (only the blocks a
 * query touches are paged in, and the page cache shares them between queries) and kept open, since a segment never
 * changes once written. In front of them the hot tier keeps recently scanned column blocks decoded in memory
 * ({@link DecodedColumns}), so dashboards that re-read the last hours run over primitive arrays. Thread-safe.
 */
public final class SegmentTier {
    private final Path directory;
    private final DecodedColumns hot;
    private final ConcurrentHashMap<Path, ColumnarSegment> open = new ConcurrentHashMap<>();

    /** A tier without a hot tier: every scan decodes the blocks it reads. */
    public SegmentTier(Path directory) {
        this(directory, 0);
    }

    /** @param hotBytes memory for decoded column blocks (the hot tier), reused by later scans */
    public SegmentTier(Path directory, long hotBytes) {
        this.directory = directory;
        this.hot = new DecodedColumns(hotBytes);
    }

    /** The hot tier's decoded columns, for its metrics. */
    public DecodedColumns hot() {
        return hot;
    }

    Path directory(String stream) {
        return directory.resolve(stream);
    }

    /** The segment of a sealed partition. */
    public ColumnarSegment segment(SealedPartition partition) {
        Path file = directory(partition.stream()).resolve(partition.file());
        return open.computeIfAbsent(file, f -> {
            try {
                return SegmentFiles.open(f, SegmentFiles.Io.MAPPED).cacheIn(hot);
            } catch (IOException e) {
                throw new StorageException("cannot open segment " + f + " of sealed partition [" + partition.fromMs() + ","
                        + partition.toMs() + "): " + e.getMessage() + " (the data dir's segments/ must travel with its RocksDB files)", e);
            }
        });
    }
}
