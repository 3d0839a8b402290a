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
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded Aeron media driver and a client of it. The driver runs its conductor, sender and receiver on one
 * shared thread; the pollers that read subscriptions use the configured idle strategy: on a machine with few cores
 * busy-spinning threads starve everything else, so {@code backoff} is the default and {@code busy-spin} is for
 * pinned, isolated cores.
 *
 * <p>The driver's own idle strategy is chosen apart ({@link #driverIdleFor}): over UDP every message passes through
 * the driver's sender and receiver, so it idles as the pollers do; over IPC publisher and subscriber share the log
 * buffer directly and the driver only does housekeeping, so it sleeps ({@value #SLEEPING}, 1 ms) and leaves the cores
 * to them. Measured on 2 cores: a yielding driver competing with an IPC ping and pong made each run land at random in
 * a fast mode (ping and pong on a core each, p50 0.7 µs) or a slow one (sharing a core, p50 ~5 µs, p99 ~10 µs); asleep,
 * every run was fast (p99 0.8–5.9 µs; docs/benchmarks.md).
 * Thread-safe.
 */
public final class AeronTransport implements AutoCloseable {
    /** The driver idle strategy that sleeps 1 ms when there is no work: for drivers not on the data path (IPC only). */
    public static final String SLEEPING = "sleeping";
    private static final Logger LOG = LoggerFactory.getLogger(AeronTransport.class);
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
     * Launches a driver with its files in a fresh directory (under /dev/shm when the host has it), idling as the
     * pollers do. First removes the directories of drivers whose processes died without closing them
     * ({@link StaleDriverDirectories}).
     *
     * @param idleStrategy {@code backoff}, {@code yielding} or {@code busy-spin}
     */
    public static AeronTransport launch(String idleStrategy) {
        return launch(idleStrategy, idleStrategy, StaleDriverDirectories.PREFIX + UUID.randomUUID());
    }

    /**
     * As {@link #launch(String)} with the driver's own idle strategy and a fixed directory name: a node passes one
     * derived from its data dir, so a restart after kill -9 reuses (and first clears) the directory the killed driver
     * left behind instead of leaking it.
     *
     * @param driverIdleStrategy a poller strategy or {@value #SLEEPING}; see {@link #driverIdleFor}
     */
    public static AeronTransport launch(String idleStrategy, String driverIdleStrategy, String directoryName) {
        idle(idleStrategy); // an unknown name fails here, before a driver starts
        IdleStrategy driverIdle = SLEEPING.equals(driverIdleStrategy) ? new SleepingMillisIdleStrategy(1) : idle(driverIdleStrategy);
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
                .sharedIdleStrategy(driverIdle)
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

    /**
     * The driver's idle strategy when its transport carries only {@code channels}: {@value #SLEEPING} when every one is
     * IPC (the driver is then off the data path), otherwise the pollers' {@code idleStrategy}.
     */
    public static String driverIdleFor(String idleStrategy, String... channels) {
        for (String channel : channels) {
            if (!channel.startsWith("aeron:ipc")) {
                return idleStrategy;
            }
        }
        return channels.length == 0 ? idleStrategy : SLEEPING;
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
