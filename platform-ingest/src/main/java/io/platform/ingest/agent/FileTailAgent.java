package io.platform.ingest.agent;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Tails a file of NDJSON events and posts them to {@code POST /v1/streams/<stream>/events} in gzip batches of up to
 * {@code maxBatchLines} lines or {@code lingerMs} of waiting. The byte offset after the last line the gateway answered
 * for is kept in {@code <file>.platform-offset} (written atomically and fsynced), so after a restart the agent
 * resumes exactly there. A gateway that is down, busy (429) or failing (5xx) makes the agent back off and retry the
 * same batch: the file itself is the buffer, so nothing is lost while the gateway is away. Lines the gateway refuses
 * (4xx per event) are in the stream's dead-letter topic; the agent moves on. Runs on the calling thread of
 * {@link #run()}; {@link #close()} stops it from any thread.
 */
public final class FileTailAgent implements AutoCloseable {
    private final Path file;
    private final Path offsetFile;
    private final NdjsonSink forwarder;
    private final int maxBatchLines;
    private final long lingerMs;
    private final Consumer<String> log;
    private final AtomicLong sentLines = new AtomicLong();
    private volatile boolean running = true;
    private long offset;

    public FileTailAgent(Path file, String stream, URI gateway, int maxBatchLines, long lingerMs, Consumer<String> log) throws IOException {
        this(file, file.resolveSibling(file.getFileName() + ".platform-offset"), new GatewayForwarder(gateway, stream, log),
                maxBatchLines, lingerMs, log);
    }

    /** Tails {@code file} into any sink, e.g. the ingest path of the node this runs in, keeping its offset in {@code offsetFile}. */
    public FileTailAgent(Path file, Path offsetFile, NdjsonSink sink, int maxBatchLines, long lingerMs,
            Consumer<String> log) throws IOException {
        this.file = file;
        this.offsetFile = offsetFile;
        this.forwarder = sink;
        this.maxBatchLines = maxBatchLines;
        this.lingerMs = lingerMs;
        this.log = log;
        this.offset = Files.exists(offsetFile) ? Long.parseLong(Files.readString(offsetFile).trim()) : 0;
    }

    /** Lines the gateway has answered for since this agent started. */
    public long sentLines() {
        return sentLines.get();
    }

    /** The byte offset up to which the file has been forwarded. */
    public long offset() {
        return offset;
    }

    public void run() throws IOException, InterruptedException {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        while (running) {
            if (Files.exists(file) && Files.size(file) < offset) {
                log.accept("file " + file + " shrank below offset " + offset + " (truncated or rotated): reading it from the start");
                offset = 0;
            }
            batch.reset();
            long batchEnd = readBatch(batch);
            if (batchEnd == offset) {
                Thread.sleep(Math.max(10, lingerMs));
                continue;
            }
            byte[] ndjson = batch.toByteArray();
            if (!forwarder.deliver(ndjson, () -> running)) {
                return;
            }
            offset = batchEnd;
            saveOffset();
            sentLines.addAndGet(NdjsonSink.lines(ndjson));
        }
    }

    /** Reads complete lines from the offset into {@code out}, until the batch is full or the linger time passed. */
    private long readBatch(ByteArrayOutputStream out) throws IOException, InterruptedException {
        long position = offset;
        int lines = 0;
        long firstLineAt = -1;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            byte[] buffer = new byte[64 * 1024];
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (lines < maxBatchLines && running) {
                in.seek(position + line.size());
                int read = in.read(buffer);
                if (read <= 0) {
                    if (lines > 0 && (firstLineAt < 0 || System.currentTimeMillis() - firstLineAt >= lingerMs)) {
                        break;
                    }
                    if (lines == 0) {
                        break;
                    }
                    Thread.sleep(5);
                    continue;
                }
                int start = 0;
                for (int i = 0; i < read && lines < maxBatchLines; i++) {
                    if (buffer[i] == '\n') {
                        line.write(buffer, start, i - start + 1);
                        out.write(line.toByteArray());
                        position += line.size();
                        line.reset();
                        lines++;
                        start = i + 1;
                        if (firstLineAt < 0) {
                            firstLineAt = System.currentTimeMillis();
                        }
                    }
                }
                if (lines >= maxBatchLines) {
                    break;
                }
                // an incomplete last line waits for its newline
                line.write(buffer, start, read - start);
            }
        } catch (NoSuchFileException | FileNotFoundException e) {
            return offset;
        }
        return position;
    }

    private void saveOffset() throws IOException {
        DurableFiles.replace(offsetFile, Long.toString(offset).getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
        running = false;
    }
}
