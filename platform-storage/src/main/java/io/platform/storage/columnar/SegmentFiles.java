package io.platform.storage.columnar;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens a sealed segment file for a scan in one of three ways. Which one pays off depends on the scan (measured by
 * {@code platform bench segments}; docs/benchmarks.md):
 * <ul>
 *   <li>{@link Io#BUFFERED}: read the file into the heap through the page cache; the cache keeps it for the next reader.
 *   <li>{@link Io#MAPPED}: map the file; pages come from the page cache on first touch, with no copy into the heap and
 *       only the blocks the scan touches read at all (block skipping by time reads nothing for skipped blocks).
 *   <li>{@link Io#DIRECT}: read with O_DIRECT into an aligned off-heap buffer, bypassing the page cache, so a large
 *       one-off scan (a backfill, an export) does not evict the hot data other queries need. Only where the file
 *       system allows it (ext4, xfs: yes; tmpfs: no): {@link #directSupported} tells.
 * </ul>
 */
public final class SegmentFiles {
    /** How a segment file is read. */
    public enum Io { BUFFERED, MAPPED, DIRECT }

    private SegmentFiles() {
    }

    /** Writes an encoded segment to {@code file}, synced. */
    public static void write(Path file, byte[] segment) throws IOException {
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(segment);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** Opens {@code file} for scanning the given way. */
    public static ColumnarSegment open(Path file, Io io) throws IOException {
        return switch (io) {
            case BUFFERED -> ColumnarSegment.read(Files.readAllBytes(file));
            case MAPPED -> {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    // the mapping outlives the channel: closing the channel does not unmap
                    yield ColumnarSegment.read(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()));
                }
            }
            case DIRECT -> ColumnarSegment.read(readDirect(file));
        };
    }

    /** True when {@code dir}'s file system accepts O_DIRECT reads. */
    public static boolean directSupported(Path dir) {
        try {
            Path probe = Files.createTempFile(dir, "o-direct-probe-", ".tmp");
            try {
                Files.write(probe, new byte[8192]);
                readDirect(probe);
                return true;
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static ByteBuffer readDirect(Path file) throws IOException {
        int block = (int) Files.getFileStore(file).getBlockSize();
        OpenOption direct = ExtendedOpenOption.DIRECT;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, direct)) {
            long size = channel.size();
            // O_DIRECT needs the buffer address, the file offset and the length aligned to the device block
            long aligned = (size + block - 1) / block * block;
            if (aligned > Integer.MAX_VALUE - block) {
                throw new IOException(file + " is larger than one buffer can hold (" + size + " bytes)");
            }
            ByteBuffer buffer = ByteBuffer.allocateDirect((int) aligned + block).alignedSlice(block);
            buffer.limit((int) aligned);
            while (buffer.hasRemaining()) {
                // a short read that leaves the buffer unaligned is the file's end: another read would be refused
                if (channel.read(buffer) < 0 || buffer.position() % block != 0) {
                    break;
                }
            }
            return buffer.flip().limit((int) size);
        }
    }
}
