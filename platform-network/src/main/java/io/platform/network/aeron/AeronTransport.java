package io.platform.network.aeron;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * An embedded Aeron media driver and a client of it. The driver runs its conductor, sender and receiver on one
 * shared thread with the configured idle strategy: on a machine with few cores busy-spinning threads starve
 * everything else, so {@code backoff} is the default and {@code busy-spin} is for pinned, isolated cores.
 * Thread-safe.
 */
public final class AeronTransport implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AeronTransport.class);
    private final MediaDriver driver;
    private final Aeron aeron;
    private final String idleStrategy;
    private boolean closed;

    private AeronTransport(MediaDriver driver, Aeron aeron, String idleStrategy) {
        this.driver = driver;
        this.aeron = aeron;
        this.idleStrategy = idleStrategy;
    }

    /**
     * Launches a driver with its files in a fresh directory (under /dev/shm when the host has it). First removes the
     * directories of drivers whose processes died without closing them ({@link StaleDriverDirectories}).
     *
     * @param idleStrategy {@code backoff}, {@code yielding} or {@code busy-spin}
     */
    public static AeronTransport launch(String idleStrategy) {
        return launch(idleStrategy, StaleDriverDirectories.PREFIX + UUID.randomUUID());
    }

    /**
     * As {@link #launch(String)} with a fixed directory name: a node passes one derived from its data dir, so a restart
     * after kill -9 reuses (and first clears) the directory the killed driver left behind instead of leaking it.
     */
    public static AeronTransport launch(String idleStrategy, String directoryName) {
        Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        String dir = base.resolve(directoryName).toString();
        StaleDriverDirectories.Sweep swept = StaleDriverDirectories.sweep(base, base.resolve(directoryName));
        if (!swept.removed().isEmpty()) {
            LOG.info("aeron: removed {} driver directories under {} left by processes that died without closing them ({} MB freed)",
                    swept.removed().size(), base, swept.freedBytes() >> 20);
        }
        MediaDriver.Context context = new MediaDriver.Context()
                .aeronDirectoryName(dir)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(idle(idleStrategy))
                .termBufferSparseFile(true)
                .publicationTermBufferLength(4 << 20)
                .ipcTermBufferLength(4 << 20);
        MediaDriver driver = MediaDriver.launchEmbedded(context);
        try {
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            return new AeronTransport(driver, aeron, idleStrategy);
        } catch (RuntimeException e) {
            driver.close();
            throw e;
        }
    }

    /** A new idle strategy of the configured kind, for one polling thread. */
    public IdleStrategy newIdleStrategy() {
        return idle(idleStrategy);
    }

    static IdleStrategy idle(String name) {
        return switch (name) {
            case "busy-spin" -> new BusySpinIdleStrategy();
            case "yielding" -> new YieldingIdleStrategy();
            case "backoff" -> new BackoffIdleStrategy(10, 20, 1_000, 100_000);
            default -> throw new IllegalArgumentException("unknown idle strategy '" + name + "': use backoff, yielding or busy-spin");
        };
    }

    /**
     * The current value of one of the driver's counters; 0 once closed. Locked against {@link #close}: the counters are
     * in a mapped file that closing unmaps, and a read of unmapped memory would crash the JVM, not throw. Meant for
     * metric scrapes, not hot paths.
     */
    public synchronized long read(DriverCounter counter) {
        return closed ? 0 : aeron.countersReader().getCounterValue(counter.counterId());
    }

    public Aeron aeron() {
        return aeron;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        aeron.close();
        driver.close();
    }
}
