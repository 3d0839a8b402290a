package io.platform.network.aeron;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.agrona.IoUtil;

/**
 * Finds and removes the media driver directories that processes killed without a shutdown left behind. A driver
 * deletes its directory when it closes; after kill -9, an OOM kill or a test timeout the directory stays, and under
 * /dev/shm it is RAM: each holds the driver's command-and-control file and the log buffers of every publication
 * that was open (megabytes to hundreds of megabytes). A day of benches and kill -9 tests on the development machine
 * left 52 of them, 424 MB.
 *
 * <p>A directory is stale when the process named in its {@code cnc.dat} is gone and the driver's heartbeat in it
 * has stopped for longer than the driver timeout: both, because a process in another PID namespace sharing /dev/shm
 * looks gone from here while its heartbeat still ticks. One whose {@code cnc.dat} is missing or not yet marked
 * ready belongs to a driver still starting, or to one that died while starting: it is left alone until it has not
 * changed for {@link #UNREADY_GRACE_MS}. A live process, even a stopped or paused one, keeps its directory. Only
 * directories whose name starts with the platform's prefix are ever considered.
 */
public final class StaleDriverDirectories {
    /** The name prefix of every directory the platform's drivers create. */
    public static final String PREFIX = "platform-aeron-";
    /** Aeron's own: a driver whose heartbeat is older than this is dead to its clients too. */
    public static final long HEARTBEAT_TIMEOUT_MS = CommonContext.DEFAULT_DRIVER_TIMEOUT_MS;
    /** How long a directory without a ready {@code cnc.dat} is given before it counts as stale. */
    static final long UNREADY_GRACE_MS = 5 * 60_000;

    private StaleDriverDirectories() {
    }

    /** One removed directory: where, and whose process it was (0 when unknown). */
    public record Removed(Path directory, long pid) {
    }

    /** What a sweep removed, and the free space its file system gained (for tmpfs: RAM given back). */
    public record Sweep(List<Removed> removed, long freedBytes) {
    }

    /**
     * Removes the stale driver directories in {@code base} other than {@code keep} (the one about to be used, which
     * the driver clears itself), and returns what it removed. Errors on one directory skip it; they never stop a launch.
     */
    public static Sweep sweep(Path base, Path keep) {
        return sweep(base, keep, HEARTBEAT_TIMEOUT_MS);
    }

    /** As {@link #sweep(Path, Path)}, with the heartbeat age past which a driver counts as dead. */
    static Sweep sweep(Path base, Path keep, long heartbeatTimeoutMs) {
        List<Removed> removed = new ArrayList<>();
        long freeBefore = usableSpace(base);
        try (Stream<Path> entries = Files.list(base)) {
            for (Path dir : (Iterable<Path>) entries::iterator) {
                if (!dir.getFileName().toString().startsWith(PREFIX) || dir.equals(keep) || !Files.isDirectory(dir)) {
                    continue;
                }
                try {
                    long pid = ownerIfStale(dir, System.currentTimeMillis(), heartbeatTimeoutMs);
                    if (pid >= 0) {
                        IoUtil.delete(dir.toFile(), true);
                        if (!Files.exists(dir)) {
                            removed.add(new Removed(dir, pid));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // another process may be deleting or creating it at this moment: leave it for the next sweep
                }
            }
        } catch (IOException e) {
            // an unreadable base directory: nothing to sweep
        }
        return new Sweep(removed, removed.isEmpty() ? 0 : Math.max(0, usableSpace(base) - freeBefore));
    }

    private static long usableSpace(Path base) {
        try {
            return Files.getFileStore(base).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The pid of the dead process that owned {@code dir}, 0 for an unready directory past its grace period, or -1 when
     * the directory is in use or may still be.
     */
    static long ownerIfStale(Path dir, long nowMs, long heartbeatTimeoutMs) throws IOException {
        long pid = readyDriverPid(dir.resolve(CncFileDescriptor.CNC_FILE));
        if (pid > 0) {
            boolean processAlive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return processAlive || CommonContext.isDriverActive(dir.toFile(), heartbeatTimeoutMs, message -> { }) ? -1 : pid;
        }
        return nowMs - Files.getLastModifiedTime(dir).toMillis() > UNREADY_GRACE_MS ? 0 : -1;
    }

    /** The pid in a {@code cnc.dat} the driver marked ready, or 0 when there is none yet. */
    private static long readyDriverPid(Path cnc) throws IOException {
        if (!Files.isRegularFile(cnc)) {
            return 0;
        }
        ByteBuffer meta = ByteBuffer.allocate(CncFileDescriptor.META_DATA_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(cnc, StandardOpenOption.READ)) {
            while (meta.hasRemaining() && channel.read(meta) > 0) {
                // the metadata is a few dozen bytes at the start
            }
        }
        if (meta.position() < CncFileDescriptor.META_DATA_LENGTH) {
            return 0;
        }
        // the driver writes the version last, when everything else is in place
        if (meta.getInt(CncFileDescriptor.cncVersionOffset(0)) == 0) {
            return 0;
        }
        return meta.getLong(CncFileDescriptor.pidOffset(0));
    }
}
