package io.platform.deploy.demo;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time this process has spent, summed over its threads from {@code /proc/self/task}, leaving out the JIT compiler
 * threads. Why: on a shared 2-core host two saturating runs compete for the same cores with the JIT, which compiles
 * for half a core during the first minute of a process and less later; so their throughput ratio swings with whatever
 * ran first. CPU time per acked event, without the compiler, measures what each path costs and barely depends on
 * order. GC threads stay in: allocation is a real cost of a path.
 */
public final class ProcessCpu {
    private static final Path TASKS = Path.of("/proc/self/task");
    /** Linux reports thread times in clock ticks of 10 ms (USER_HZ 100 on every mainstream kernel). */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ProcessCpu() {
    }

    /** Nanoseconds of CPU used so far by every thread except the JIT compilers, or -1 where /proc is not there. */
    public static long withoutCompilerNanos() {
        if (!Files.isDirectory(TASKS)) {
            return -1;
        }
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    // fields after the parenthesised name; utime and stime are the 14th and 15th of the line
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we read it: its time is gone with it, for both sides alike
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return ticks * NANOS_PER_TICK;
    }
}
