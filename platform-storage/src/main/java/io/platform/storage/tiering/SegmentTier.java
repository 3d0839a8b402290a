package io.platform.storage.tiering;

import io.platform.storage.SealedPartition;
import io.platform.storage.StorageException;
import io.platform.storage.cold.ErasureCodedStore;
import io.platform.storage.columnar.ColumnarSegment;
import io.platform.storage.columnar.DecodedColumns;
import io.platform.storage.columnar.SegmentFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where sealed segments live, in three tiers:
 * <ul>
 *   <li><b>hot</b>: column blocks a query decoded stay decoded in memory ({@link DecodedColumns}), so dashboards that
 *       re-read the last hours run over primitive arrays;
 *   <li><b>warm</b>: segment files on the local disk, {@code <dir>/<stream>/<from>-<to>.seg}, opened memory-mapped
 *       (only the blocks a query touches are read; the page cache shares them between queries);
 *   <li><b>cold</b> (optional): segments moved off the local disk into an erasure-coded store over other disks or
 *       mounts ({@link #moveToCold}); a read fetches the segment once into a local read-through cache of bounded size
 *       (least recently read evicted first), the role Alluxio plays in front of remote storage.
 * </ul>
 * A segment never changes once written, so nothing cached is ever stale. Thread-safe.
 */
public final class SegmentTier {
    /** Where a sealed partition's segment is now. */
    public enum Location { WARM, COLD, COLD_CACHED }

    private final Path directory;
    private final DecodedColumns hot;
    private final ErasureCodedStore cold;
    private final Path cacheDirectory;
    private final long cacheBytes;
    private final ConcurrentHashMap<String, ColumnarSegment> open = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> lastRead = new ConcurrentHashMap<>();
    // read-through copies of cold segments, least recently read first, with their sizes
    private final LinkedHashMap<String, Long> cached = new LinkedHashMap<>(64, 0.75f, true);
    // guarded by cached
    private long cachedBytes;
    private long coldFetches;

    /** A tier without a hot tier: every scan decodes the blocks it reads. */
    public SegmentTier(Path directory) {
        this(directory, 0);
    }

    /** @param hotBytes memory for decoded column blocks (the hot tier), reused by later scans */
    public SegmentTier(Path directory, long hotBytes) {
        this(directory, hotBytes, null, null, 0);
    }

    /**
     * @param cold the cold tier's store, or null for none
     * @param cacheDirectory local directory for read-through copies of cold segments
     * @param cacheBytes disk the read-through copies may take
     */
    public SegmentTier(Path directory, long hotBytes, ErasureCodedStore cold, Path cacheDirectory, long cacheBytes) {
        this.directory = directory;
        this.hot = new DecodedColumns(hotBytes);
        this.cold = cold;
        this.cacheDirectory = cacheDirectory;
        this.cacheBytes = cacheBytes;
    }

    /** The hot tier's decoded columns, for its metrics. */
    public DecodedColumns hot() {
        return hot;
    }

    Path directory(String stream) {
        return directory.resolve(stream);
    }

    private static String key(SealedPartition partition) {
        return partition.stream() + "/" + partition.file();
    }

    /** The segment of a sealed partition, from whichever tier holds it. */
    public ColumnarSegment segment(SealedPartition partition) {
        String key = key(partition);
        lastRead.put(key, System.currentTimeMillis());
        return open.computeIfAbsent(key, k -> load(partition));
    }

    /** When a query last read the partition (ms), or 0 since this tier opened. */
    public long lastReadMs(SealedPartition partition) {
        return lastRead.getOrDefault(key(partition), 0L);
    }

    public Location location(SealedPartition partition) {
        if (Files.exists(warmFile(partition))) {
            return Location.WARM;
        }
        synchronized (cached) {
            return cached.containsKey(key(partition)) ? Location.COLD_CACHED : Location.COLD;
        }
    }

    /** Segments fetched from the cold tier into the read-through cache since this tier opened. */
    public long coldFetches() {
        synchronized (cached) {
            return coldFetches;
        }
    }

    private Path warmFile(SealedPartition partition) {
        return directory(partition.stream()).resolve(partition.file());
    }

    private static String coldName(SealedPartition partition) {
        return partition.stream() + "." + partition.file();
    }

    private ColumnarSegment load(SealedPartition partition) {
        Path warm = warmFile(partition);
        try {
            if (Files.exists(warm)) {
                return SegmentFiles.open(warm, SegmentFiles.Io.MAPPED).cacheIn(hot);
            }
            if (cold == null || !cold.contains(coldName(partition))) {
                throw new StorageException("segment " + warm + " of sealed partition [" + partition.fromMs() + "," + partition.toMs()
                        + ") is neither on the local disk nor in a cold tier"
                        + " (the data dir's segments/ must travel with its RocksDB files)");
            }
            return SegmentFiles.open(fetch(partition), SegmentFiles.Io.MAPPED).cacheIn(hot);
        } catch (IOException e) {
            throw new StorageException("cannot open segment " + warm + ": " + e.getMessage(), e);
        }
    }

    /** Copies a cold segment into the read-through cache, evicting the least recently read copies beyond the budget. */
    private Path fetch(SealedPartition partition) throws IOException {
        Path copy = cacheDirectory.resolve(partition.stream()).resolve(partition.file());
        synchronized (cached) {
            if (cached.containsKey(key(partition)) && Files.exists(copy)) {
                return copy;
            }
        }
        byte[] blob = cold.get(coldName(partition));
        Files.createDirectories(copy.getParent());
        Path tmp = copy.resolveSibling(copy.getFileName() + ".tmp");
        Files.write(tmp, blob);
        Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING);
        synchronized (cached) {
            coldFetches++;
            if (cached.put(key(partition), (long) blob.length) == null) {
                cachedBytes += blob.length;
            }
            Iterator<Map.Entry<String, Long>> oldest = cached.entrySet().iterator();
            while (cachedBytes > cacheBytes && oldest.hasNext()) {
                Map.Entry<String, Long> evicted = oldest.next();
                if (evicted.getKey().equals(key(partition))) {
                    continue; // the copy being read now stays, even alone over the budget
                }
                oldest.remove();
                cachedBytes -= evicted.getValue();
                open.remove(evicted.getKey());
                // a query still scanning it keeps its mapping: the file's pages live until unmapped
                Files.deleteIfExists(cacheDirectory.resolve(evicted.getKey()));
            }
        }
        return copy;
    }

    /**
     * Moves a warm segment to the cold tier: its shards are written and synced, then the local file is deleted. A
     * crash in between leaves both copies, and the warm one is read. Returns false when there is no cold tier or the
     * segment is not warm.
     */
    public boolean moveToCold(SealedPartition partition) {
        Path warm = warmFile(partition);
        if (cold == null || !Files.exists(warm)) {
            return false;
        }
        try {
            cold.put(coldName(partition), Files.readAllBytes(warm));
            Files.delete(warm);
        } catch (IOException e) {
            throw new StorageException("cannot move segment " + warm + " to the cold tier: " + e.getMessage(), e);
        }
        // the next read maps the cold copy; a scan under way keeps its mapping of the deleted file
        open.remove(key(partition));
        return true;
    }
}
