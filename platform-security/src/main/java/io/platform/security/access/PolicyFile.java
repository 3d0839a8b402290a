package io.platform.security.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The policy file named by {@code security.policy-file}, kept in an {@link Authorizer}: read at start, checked for
 * changes every {@code checkMs} (an edit takes effect within that), and written atomically by {@link #grant} and
 * {@link #revoke}. A file that does not parse keeps the last good policy in force and is reported to {@code problems}
 * until fixed. Thread-safe.
 */
public final class PolicyFile implements AutoCloseable {
    private final Path file;
    private final Authorizer authorizer;
    private final Consumer<String> problems;
    private final ScheduledExecutorService watcher;
    private FileTime loadedModified;
    private long loadedSize = -1;
    private String lastProblem;

    private PolicyFile(Path file, Authorizer authorizer, Consumer<String> problems, long checkMs) {
        this.file = file;
        this.authorizer = authorizer;
        this.problems = problems;
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "policy-file-watcher");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, checkMs, checkMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Loads {@code file} into a new authorizer and watches it; a missing file is created empty (nothing allowed until
     * an admin grants it).
     *
     * @throws IllegalArgumentException when the file exists and does not parse: a node does not start on a broken policy
     */
    public static PolicyFile open(Path file, long checkMs, Consumer<String> problems) throws IOException {
        if (!Files.exists(file)) {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            write(file, AccessPolicy.empty());
        }
        AccessPolicy policy;
        try {
            policy = AccessPolicy.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("security.policy-file=" + file + ": " + e.getMessage(), e);
        }
        PolicyFile watched = new PolicyFile(file, Authorizer.of(policy), problems, checkMs);
        watched.remember();
        return watched;
    }

    public Authorizer authorizer() {
        return authorizer;
    }

    /** Adds a binding and writes the file; in force when this returns. */
    public synchronized AccessPolicy grant(Binding binding) throws IOException {
        AccessPolicy policy = authorizer.policy().with(binding);
        write(file, policy);
        authorizer.update(policy);
        remember();
        return policy;
    }

    /** Removes {@code principal}'s bindings of {@code role} (all of them when null) and writes the file. */
    public synchronized AccessPolicy revoke(String principal, Role role) throws IOException {
        AccessPolicy policy = authorizer.policy().without(principal, role);
        write(file, policy);
        authorizer.update(policy);
        remember();
        return policy;
    }

    /** Reads the file again if it changed since it was last read; called by the watcher, callable by tests. */
    public synchronized void reloadIfChanged() {
        try {
            if (Files.getLastModifiedTime(file).equals(loadedModified) && Files.size(file) == loadedSize) {
                return;
            }
            AccessPolicy policy = AccessPolicy.parse(Files.readString(file, StandardCharsets.UTF_8));
            authorizer.update(policy);
            remember();
            lastProblem = null;
        } catch (NoSuchFileException e) {
            report("security.policy-file=" + file + " is gone; the last policy read stays in force until it is back");
        } catch (IOException | IllegalArgumentException e) {
            report("security.policy-file=" + file + " cannot be used (" + e.getMessage() + "); the last good policy stays in force");
        }
    }

    private void report(String problem) {
        if (!problem.equals(lastProblem)) {
            lastProblem = problem;
            problems.accept(problem);
        }
    }

    private void remember() {
        try {
            loadedModified = Files.getLastModifiedTime(file);
            loadedSize = Files.size(file);
        } catch (IOException e) {
            loadedModified = null;
        }
    }

    /** Writes a policy beside the file and moves it into place, so a reader never sees half a file. */
    private static void write(Path file, AccessPolicy policy) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, policy.toJson(), StandardCharsets.UTF_8);
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
