package io.platform.deploy.processing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds the checkpoint a job restores from (the newest completed one under a checkpoint directory) and how big it is. */
final class FlinkRuntime {
    private FlinkRuntime() {
    }

    /** The newest {@code chk-N} directory holding a {@code _metadata} file, over all earlier job runs. */
    static Optional<Path> latestCheckpoint(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.find(checkpoints, 3, (p, attrs) -> p.getFileName().toString().equals("_metadata")
                && p.getParent().getFileName().toString().startsWith("chk-"))) {
            return files.max(Comparator.comparingLong(FlinkRuntime::modifiedMs)).map(Path::getParent);
        }
    }

    /**
     * The bytes of the files under {@code snapshot} (a savepoint or checkpoint directory): a savepoint, and a heap
     * backend's checkpoint, hold the whole state; an incremental RocksDB checkpoint only what changed since the one before.
     */
    static long sizeOf(Path snapshot) throws IOException {
        if (!Files.isDirectory(snapshot)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(snapshot)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        }
    }

    private static long modifiedMs(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
