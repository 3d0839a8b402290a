package io.platform.deploy.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A temporary directory for one benchmark run, deleted with everything in it when closed. */
public record ScratchDir(Path path) implements AutoCloseable {
    /** A new directory named {@code prefix...} under {@code parent}, or under the system's temp dir when null. */
    public static ScratchDir create(Path parent, String prefix) throws IOException {
        return new ScratchDir(parent == null ? Files.createTempDirectory(prefix) : Files.createTempDirectory(parent, prefix));
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
