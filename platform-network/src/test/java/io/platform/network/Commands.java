package io.platform.network;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Host commands the network-namespace tests run (ip netns, ip link): output read and dropped, exit code kept. */
public final class Commands {
    private Commands() {
    }

    /** Runs {@code command}; its exit code, or -1 if it ran past 20 s. */
    public static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(20, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** Runs {@code command} and fails with it named unless it exits 0. */
    public static void must(String... command) throws IOException, InterruptedException {
        int exit = run(command);
        if (exit != 0) {
            throw new IllegalStateException("command failed (" + exit + "): " + String.join(" ", command));
        }
    }
}
