package io.platform.ingest.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * A first-in first-out buffer of lines on disk: the edge agent's memory while the gateway is away. Writers append
 * complete lines to the newest segment file ({@code 000000000001.spool}, ...), which is sealed and replaced once it
 * passes {@code segmentBytes}; the reader takes lines from the oldest position not yet forwarded and
 * {@link #commit commits} it after the gateway answered, in {@code reader.position} (written atomically, fsynced).
 * Segments wholly behind the committed position are deleted, so the spool holds only what is still owed. After a
 * restart the reader resumes at the committed position: lines are neither lost nor sent twice, and always in the order
 * they arrived. {@link #sync()} forces appended lines to disk (the agent does so every {@code fsync} interval).
 * Appends are thread-safe; reading and committing belong to one forwarding thread.
 */
public final class DiskSpool implements AutoCloseable {
    private static final String SUFFIX = ".spool";
    private final Path dir;
    private final long segmentBytes;
    private final Path positionFile;
    private final Object writeLock = new Object();
    private FileChannel writer;
    private long writerSegment;
    private long writerSize;
    private long readSegment;
    private long readOffset;
    private long pendingSegment;
    private long pendingOffset;

    public DiskSpool(Path dir, long segmentBytes) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.segmentBytes = segmentBytes;
        this.positionFile = dir.resolve("reader.position");
        List<Long> segments = segments();
        if (Files.exists(positionFile)) {
            String[] position = Files.readString(positionFile).trim().split(" ");
            readSegment = Long.parseLong(position[0]);
            readOffset = Long.parseLong(position[1]);
        } else {
            readSegment = segments.isEmpty() ? 1 : segments.get(0);
        }
        pendingSegment = readSegment;
        pendingOffset = readOffset;
        // appends continue in a new segment: the last one may end in a line torn by a crash, which the reader skips
        writerSegment = segments.isEmpty() ? readSegment : Math.max(readSegment, segments.get(segments.size() - 1) + 1);
        openWriter();
    }

    private List<Long> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(SUFFIX))
                    .map(n -> Long.parseLong(n.substring(0, n.length() - SUFFIX.length()))).sorted().toList();
        }
    }

    private Path segment(long index) {
        return dir.resolve(String.format("%012d%s", index, SUFFIX));
    }

    private void openWriter() throws IOException {
        writer = FileChannel.open(segment(writerSegment), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        writerSize = writer.size();
    }

    /** Appends complete lines (each ending in '\n'). */
    public void append(byte[] lines, int offset, int length) throws IOException {
        synchronized (writeLock) {
            ByteBuffer buffer = ByteBuffer.wrap(lines, offset, length);
            while (buffer.hasRemaining()) {
                writer.write(buffer);
            }
            writerSize += length;
            if (writerSize >= segmentBytes) {
                writer.force(false);
                writer.close();
                writerSegment++;
                openWriter();
            }
        }
    }

    /** Forces appended lines to disk. */
    public void sync() throws IOException {
        synchronized (writeLock) {
            writer.force(false);
        }
    }

    /**
     * Reads up to {@code maxLines} complete lines after the last read into {@code out} (across segment boundaries);
     * returns the number of lines. The position they end at is committed by {@link #commit()}.
     */
    public int read(ByteArrayOutputStream out, int maxLines) throws IOException {
        int lines = 0;
        long segment = pendingSegment;
        long offset = pendingOffset;
        byte[] buffer = new byte[64 * 1024];
        while (lines < maxLines) {
            long sealedBelow;
            synchronized (writeLock) {
                sealedBelow = writerSegment;
            }
            Path file = segment(segment);
            int taken = 0;
            if (Files.exists(file)) {
                try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                    in.seek(offset);
                    int read;
                    int carried = 0;
                    while (lines < maxLines && (read = in.read(buffer, carried, buffer.length - carried)) > 0) {
                        int end = carried + read;
                        int lineStart = 0;
                        for (int i = 0; i < end && lines < maxLines; i++) {
                            if (buffer[i] == '\n') {
                                out.write(buffer, lineStart, i + 1 - lineStart);
                                offset += i + 1 - lineStart;
                                lineStart = i + 1;
                                lines++;
                                taken++;
                            }
                        }
                        carried = end - lineStart;
                        if (carried == buffer.length) {
                            throw new IOException("spool line longer than " + buffer.length + " bytes in " + file);
                        }
                        System.arraycopy(buffer, lineStart, buffer, 0, carried);
                        in.seek(offset + carried);
                    }
                }
            }
            if (lines >= maxLines || segment >= sealedBelow) {
                break;
            }
            // a sealed segment read to its end (a torn last line after a crash is dropped): on to the next
            segment++;
            offset = 0;
        }
        pendingSegment = segment;
        pendingOffset = offset;
        return lines;
    }

    /** Marks everything read so far as forwarded: persists the position and deletes segments behind it. */
    public void commit() throws IOException {
        DurableFiles.replace(positionFile, (pendingSegment + " " + pendingOffset).getBytes(StandardCharsets.US_ASCII));
        for (long old = readSegment; old < pendingSegment; old++) {
            Files.deleteIfExists(segment(old));
        }
        readSegment = pendingSegment;
        readOffset = pendingOffset;
    }

    /** Forgets what was read since the last commit: the next read starts at the committed position again. */
    public void rewind() {
        pendingSegment = readSegment;
        pendingOffset = readOffset;
    }

    /** Bytes on disk still owed to the gateway (all segments from the committed one on). */
    public long backlogBytes() throws IOException {
        long bytes = -readOffset;
        for (long index : segments()) {
            if (index >= readSegment) {
                bytes += Files.size(segment(index));
            }
        }
        return Math.max(0, bytes);
    }

    @Override
    public void close() throws IOException {
        synchronized (writeLock) {
            writer.force(false);
            writer.close();
        }
    }
}
