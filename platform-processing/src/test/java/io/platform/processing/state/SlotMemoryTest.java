package io.platform.processing.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RocksDB's memory per slot follows the host: a quarter of what the heap leaves, split over the slots, within bounds. */
class SlotMemoryTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @Test
    void aQuarterOfWhatTheHeapLeavesSplitOverTheSlots() {
        assertEquals(160 * MIB, SlotMemory.rocksDbPerSlot(24 * GIB, 4 * GIB, 32), "this machine: (24 - 4) GiB / 4 / 32");
        assertEquals(512 * MIB, SlotMemory.rocksDbPerSlot(256 * GIB, 16 * GIB, 32), "a big host: capped at 512 MiB a slot");
        assertEquals(16 * MIB, SlotMemory.rocksDbPerSlot(4 * GIB, 4 * GIB, 32), "nothing left beside the heap: the floor");
        assertEquals(16 * MIB, SlotMemory.rocksDbPerSlot(0, 4 * GIB, 32), "unknown host memory: the floor");
    }
}
