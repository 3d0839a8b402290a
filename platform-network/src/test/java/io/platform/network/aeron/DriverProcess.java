package io.platform.network.aeron;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

/**
 * A media driver in a process of its own, for {@link StaleDriverDirectoriesTest} to kill: arg {@code directory}.
 * Prints "ready" once the driver runs, then waits to be killed.
 */
public final class DriverProcess {
    private DriverProcess() {
    }

    public static void main(String[] args) throws Exception {
        MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(args[0]).threadingMode(ThreadingMode.SHARED)
                .dirDeleteOnStart(true).dirDeleteOnShutdown(true));
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
