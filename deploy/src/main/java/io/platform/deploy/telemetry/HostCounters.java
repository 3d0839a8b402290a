package io.platform.deploy.telemetry;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;

/** Counters of the JVM and the kernel that the dashboard turns into per-second figures. */
final class HostCounters {
    private static final Path SNMP = Path.of("/proc/net/snmp");

    private HostCounters() {
    }

    /**
     * How much a running total grew since the previous call (the sampler calls once a second). The first call gives 0
     * unless {@code initial} is a starting total (0: everything since start); a negative total means "cannot tell now"
     * and gives 0 without moving the baseline. Called from the sampler's thread only.
     */
    static LongSupplier growthOf(long initial, LongSupplier runningTotal) {
        long[] last = {initial};
        return () -> {
            long total = runningTotal.getAsLong();
            if (total < 0) {
                return 0;
            }
            long delta = last[0] < 0 ? 0 : total - last[0];
            last[0] = total;
            return delta;
        };
    }

    /** GC time in ms since start, from the collectors' MXBeans. */
    static long gcTimeMs() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    /**
     * The sum of some /proc/net/snmp counters of one protocol since boot, e.g. TCP {@code RetransSegs} or UDP
     * {@code InErrors} and {@code RcvbufErrors}; -1 where the file or the protocol is not there.
     */
    static long snmpTotal(String protocol, String... counters) {
        String prefix = protocol + ":";
        try {
            List<String> lines = Files.readAllLines(SNMP);
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix) && lines.get(i + 1).startsWith(prefix)) {
                    List<String> names = List.of(lines.get(i).split("\\s+"));
                    String[] values = lines.get(i + 1).split("\\s+");
                    long total = 0;
                    for (String counter : counters) {
                        int index = names.indexOf(counter);
                        if (index > 0 && index < values.length) {
                            total += Long.parseLong(values[index]);
                        }
                    }
                    return total;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or a format this parser does not know
        }
        return -1;
    }
}
