package io.platform.processing.checkpoints;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How fast a directory takes durable writes (written and fsynced), for planning checkpoints. Measured once per
 * directory by writing {@link #PROBE_BYTES} and syncing them, and remembered in a small file there, so a node does
 * not pay the probe at every start.
 */
public final class WriteBandwidth {
    static final int PROBE_BYTES = 32 << 20;
    static final String REMEMBERED = "write-bandwidth-bytes-per-second";

    private WriteBandwidth() {
    }

    /** Bytes per second that {@code dir} took in a probe, from its remembered figure when there is one. */
    public static long of(Path dir) {
        Path remembered = dir.resolve(REMEMBERED);
        try {
            if (Files.exists(remembered)) {
                try {
                    return Long.parseLong(Files.readString(remembered).trim());
                } catch (NumberFormatException corrupt) {
                    // measured again below
                }
            }
            long measured = measure(dir, PROBE_BYTES);
            Files.writeString(remembered, Long.toString(measured), StandardCharsets.US_ASCII);
            return measured;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure the write bandwidth of " + dir + ": " + e.getMessage()
                    + "; set flink.checkpoint.write-bandwidth, e.g. 200mb", e);
        }
    }

    /** Writes {@code bytes} to a scratch file in {@code dir} in 1-MiB blocks, syncs it, deletes it; bytes per second. */
    static long measure(Path dir, int bytes) throws IOException {
        Files.createDirectories(dir);
        Path scratch = Files.createTempFile(dir, "bandwidth-probe-", ".tmp");
        ByteBuffer block = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel channel = FileChannel.open(scratch, StandardOpenOption.WRITE)) {
            long start = System.nanoTime();
            for (int written = 0; written < bytes; written += block.capacity()) {
                block.clear();
                while (block.hasRemaining()) {
                    channel.write(block);
                }
            }
            channel.force(true);
            long nanos = Math.max(1, System.nanoTime() - start);
            return (long) (bytes * 1e9 / nanos);
        } finally {
            Files.deleteIfExists(scratch);
        }
    }
}
