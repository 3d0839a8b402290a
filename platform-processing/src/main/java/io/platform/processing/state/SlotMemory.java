package io.platform.processing.state;

import java.lang.management.ManagementFactory;

/**
 * How much off-heap memory RocksDB state gets per job slot when it is not configured: a quarter of the memory the JVM
 * heap leaves on the host, split over the slots, within 16 MiB and 512 MiB. State and its caches then live off the
 * heap (GC pauses stay independent of state size) without crowding the page cache that Kafka's log and the storage's
 * SST files read through, and the budget follows the machine: 160 MiB per slot with 24 GiB, a 4 GiB heap and 32 slots;
 * the floor on small hosts, where a job with millions of keys needs the setting raised by hand (docs/benchmarks.md).
 */
public final class SlotMemory {
    static final long MIN_PER_SLOT = 16L << 20;
    static final long MAX_PER_SLOT = 512L << 20;

    private SlotMemory() {
    }

    /** RocksDB's budget per slot, by the rule in the class comment. */
    public static long rocksDbPerSlot(long physicalBytes, long maxHeapBytes, int slots) {
        long offHeap = Math.max(0, physicalBytes - maxHeapBytes);
        return Math.max(MIN_PER_SLOT, Math.min(MAX_PER_SLOT, offHeap / 4 / Math.max(1, slots)));
    }

    /** The host's physical memory, or 0 when the JVM cannot tell. */
    public static long physicalBytes() {
        // qualified: the JDK's interface and its com.sun extension share the simple name
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : 0;
    }
}
