package io.platform.network.aeron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Driver directories of dead processes are removed at launch; a live driver's, or one still starting, never are. */
class StaleDriverDirectoriesTest {
    @TempDir
    Path base;

    @Test
    void aDriverKilledWithKill9LeavesItsDirectoryAndTheSweepRemovesIt() throws Exception {
        Path dir = base.resolve(StaleDriverDirectories.PREFIX + "killed");
        Process driver = driverProcess(dir);
        assertTrue(StaleDriverDirectories.sweep(base, null, 0).removed().isEmpty(), "a live process's directory was removed");
        driver.destroyForcibly(); // SIGKILL: no shutdown hook runs, the directory stays
        assertTrue(driver.waitFor(10, TimeUnit.SECONDS));
        assertTrue(Files.exists(dir.resolve("cnc.dat")), "kill -9 should have left the directory behind");

        StaleDriverDirectories.Sweep sweep = StaleDriverDirectories.sweep(base, null, 0);

        assertEquals(1, sweep.removed().size());
        assertEquals(dir, sweep.removed().get(0).directory());
        assertEquals(driver.pid(), sweep.removed().get(0).pid());
        assertFalse(Files.exists(dir));
    }

    @Test
    void aDeadProcessWhoseHeartbeatIsRecentIsLeftUntilTheTimeoutPasses() throws Exception {
        Path dir = base.resolve(StaleDriverDirectories.PREFIX + "recent");
        Process driver = driverProcess(dir);
        driver.destroyForcibly();
        assertTrue(driver.waitFor(10, TimeUnit.SECONDS));

        // as a process in another PID namespace would look: gone from here, its heartbeat still fresh
        assertTrue(StaleDriverDirectories.sweep(base, null, 60_000).removed().isEmpty());
        assertTrue(Files.exists(dir));
    }

    @Test
    void aLiveDriverInThisProcessIsKeptEvenWithoutAHeartbeatTimeout() {
        Path dir = base.resolve(StaleDriverDirectories.PREFIX + "live");
        try (MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context().aeronDirectoryName(dir.toString())
                .threadingMode(ThreadingMode.SHARED).dirDeleteOnShutdown(true))) {
            assertTrue(StaleDriverDirectories.sweep(base, null, 0).removed().isEmpty());
            assertTrue(Files.exists(dir.resolve("cnc.dat")));
        }
    }

    @Test
    void aDirectoryWithoutAReadyCncFileIsGivenAGracePeriod() throws Exception {
        Path starting = Files.createDirectory(base.resolve(StaleDriverDirectories.PREFIX + "starting"));
        Path abandoned = Files.createDirectory(base.resolve(StaleDriverDirectories.PREFIX + "abandoned"));
        Files.setLastModifiedTime(abandoned, FileTime.fromMillis(System.currentTimeMillis() - StaleDriverDirectories.UNREADY_GRACE_MS - 60_000));

        StaleDriverDirectories.Sweep sweep = StaleDriverDirectories.sweep(base, null, 0);

        assertEquals(1, sweep.removed().size());
        assertEquals(abandoned, sweep.removed().get(0).directory());
        assertTrue(Files.exists(starting));
    }

    @Test
    void onlyThePlatformsOwnDirectoriesAndNotTheOneAboutToBeUsedAreConsidered() throws Exception {
        long old = System.currentTimeMillis() - StaleDriverDirectories.UNREADY_GRACE_MS - 60_000;
        Path someoneElses = Files.createDirectory(base.resolve("aeron-root"));
        Path next = Files.createDirectory(base.resolve(StaleDriverDirectories.PREFIX + "next"));
        Files.setLastModifiedTime(someoneElses, FileTime.fromMillis(old));
        Files.setLastModifiedTime(next, FileTime.fromMillis(old));

        assertTrue(StaleDriverDirectories.sweep(base, next, 0).removed().isEmpty());
        assertTrue(Files.exists(someoneElses));
        assertTrue(Files.exists(next));
    }

    /** A media driver in a child process with its directory at {@code dir}, running once this returns. */
    private static Process driverProcess(Path dir) throws Exception {
        Process driver = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp", System.getProperty("java.class.path"),
                DriverProcess.class.getName(), dir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine(), "the driver process did not start");
        return driver;
    }
}
