package io.platform.ingest.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The edge agent's port mode: local programs write NDJSON lines to a TCP port (one event per line, as to a syslog or
 * fluent forwarder); every complete line is appended to a {@link DiskSpool} first, and one forwarding thread drains
 * the spool to the gateway in gzip batches, in arrival order. While the gateway is unreachable the spool grows on disk
 * (nothing is held in memory beyond one batch) and drains in order when it is back. Batching is clocked by the gateway:
 * a batch holds what arrived while the previous one was in flight, up to {@code maxBatchLines}, so a quiet source
 * sends each line at once and a busy one sends large batches. Appended lines are fsynced every {@code fsyncMs}: a
 * crash of the agent's host loses at most that window of lines already read from the socket.
 */
public final class ListeningAgent implements AutoCloseable {
    private final ServerSocket server;
    private final DiskSpool spool;
    private final GatewayForwarder forwarder;
    private final int maxBatchLines;
    private final long fsyncMs;
    private final Consumer<String> log;
    private final AtomicLong receivedLines = new AtomicLong();
    private final AtomicLong forwardedLines = new AtomicLong();
    private volatile boolean running = true;

    public ListeningAgent(String host, int port, Path spoolDir, String stream, URI gateway, int maxBatchLines, long fsyncMs,
                          Consumer<String> log) throws IOException {
        this.spool = new DiskSpool(spoolDir, 64L << 20);
        this.forwarder = new GatewayForwarder(gateway, stream, log);
        this.maxBatchLines = maxBatchLines;
        this.fsyncMs = fsyncMs;
        this.log = log;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(host, port));
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return server.getLocalPort();
    }

    public long receivedLines() {
        return receivedLines.get();
    }

    public long forwardedLines() {
        return forwardedLines.get();
    }

    public long backlogBytes() throws IOException {
        return spool.backlogBytes();
    }

    /** Accepts connections and syncs the spool on background threads; forwards on the calling thread until closed. */
    public void run() throws IOException, InterruptedException {
        daemon("agent-accept", this::acceptLoop);
        daemon("agent-fsync", this::syncLoop);
        ByteArrayOutputStream batch = new ByteArrayOutputStream(1 << 16);
        while (running) {
            batch.reset();
            int lines = spool.read(batch, maxBatchLines);
            if (lines == 0) {
                Thread.sleep(5);
                continue;
            }
            if (!forwarder.deliver(batch.toByteArray(), () -> running)) {
                spool.rewind();
                return;
            }
            spool.commit();
            forwardedLines.addAndGet(lines);
        }
    }

    private void acceptLoop() {
        while (running) {
            try {
                Socket socket = server.accept();
                daemon("agent-conn-" + socket.getPort(), () -> readLines(socket));
            } catch (IOException e) {
                if (running) {
                    log.accept("accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void readLines(Socket socket) {
        byte[] buffer = new byte[64 * 1024];
        int carried = 0;
        try (socket; InputStream in = socket.getInputStream()) {
            int read;
            while (running && (read = in.read(buffer, carried, buffer.length - carried)) > 0) {
                int end = carried + read;
                int lastNewline = -1;
                int lines = 0;
                for (int i = carried; i < end; i++) {
                    if (buffer[i] == '\n') {
                        lastNewline = i;
                        lines++;
                    }
                }
                if (lastNewline >= 0) {
                    spool.append(buffer, 0, lastNewline + 1);
                    receivedLines.addAndGet(lines);
                }
                carried = end - (lastNewline + 1);
                if (carried == buffer.length) {
                    log.accept("dropping a line longer than " + buffer.length + " bytes from " + socket.getRemoteSocketAddress());
                    carried = 0;
                }
                System.arraycopy(buffer, lastNewline + 1, buffer, 0, carried);
            }
        } catch (IOException e) {
            if (running) {
                log.accept("connection " + socket.getRemoteSocketAddress() + " failed: " + e.getMessage());
            }
        }
    }

    private void syncLoop() {
        while (running) {
            try {
                Thread.sleep(fsyncMs);
                spool.sync();
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                log.accept("spool fsync failed: " + e.getMessage());
            }
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        running = false;
        server.close();
        spool.close();
    }
}
