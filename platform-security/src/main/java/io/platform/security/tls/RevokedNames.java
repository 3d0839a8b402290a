package io.platform.security.tls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Client names whose certificates the node no longer accepts, kept in {@code <data dir>/tls/revoked.json} and re-read
 * every {@code checkMs}, so {@code platform tls revoke <name>} takes effect on a running node within that, on every
 * listener that asks. A name is revoked with every certificate it was issued: give the client a new name. Checks are
 * a set lookup on an immutable snapshot: thread-safe and allocation-free.
 */
public final class RevokedNames implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILE = "revoked.json";

    private final Path file;
    private final ScheduledExecutorService watcher;
    private volatile Set<String> names = Set.of();
    private FileTime loaded;

    private RevokedNames(Path file, long checkMs) {
        this.file = file;
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "revoked-names-watcher");
            t.setDaemon(true);
            return t;
        });
        reload();
        watcher.scheduleWithFixedDelay(this::reload, checkMs, checkMs, TimeUnit.MILLISECONDS);
    }

    /** Watches the revocations under a node's TLS directory (none until the first revoke). */
    public static RevokedNames watch(Path tlsDir, long checkMs) {
        return new RevokedNames(tlsDir.resolve(FILE), checkMs);
    }

    /** True when certificates issued to {@code name} must be refused. */
    public boolean revoked(String name) {
        return name != null && names.contains(name);
    }

    /** Adds {@code name} to {@code tlsDir}'s revocations (written atomically); a watching node refuses it at its next check. */
    public static void revoke(Path tlsDir, String name) throws IOException {
        Path target = tlsDir.resolve(FILE);
        Set<String> all = new TreeSet<>(read(target));
        all.add(name);
        ObjectNode root = JSON.createObjectNode().put("updated", Instant.now().toString());
        ArrayNode list = root.putArray("revoked");
        all.forEach(list::add);
        Path temporary = tlsDir.resolve(FILE + ".tmp");
        Files.writeString(temporary, root.toPrettyString(), StandardCharsets.UTF_8);
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private synchronized void reload() {
        try {
            if (!Files.exists(file)) {
                return;
            }
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(loaded)) {
                names = Set.copyOf(read(file));
                loaded = modified;
            }
        } catch (IOException | RuntimeException e) {
            // a half-written or broken file keeps the revocations already in force; the next check reads it again
        }
    }

    private static Set<String> read(Path file) throws IOException {
        Set<String> read = new TreeSet<>();
        if (Files.exists(file)) {
            JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            root.path("revoked").forEach(name -> read.add(name.asText()));
        }
        return read;
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
