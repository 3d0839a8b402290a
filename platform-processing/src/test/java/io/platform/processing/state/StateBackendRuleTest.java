package io.platform.processing.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StateBackendRuleTest {
    private static final long MIB = 1 << 20;

    @Test
    void autoPutsStateThatFitsAQuarterOfASlotsHeapOnTheHeapAndTheRestInRocksDb() {
        long perSlot = 4096 * MIB / 32;
        assertEquals("hashmap", StateBackendRule.choose("auto", 8 * MIB, perSlot));
        assertEquals("hashmap", StateBackendRule.choose("auto", 32 * MIB, perSlot), "exactly a quarter still fits");
        assertEquals("rocksdb", StateBackendRule.choose("auto", 64 * MIB, perSlot));
        assertTrue(StateBackendRule.reason("auto", 64 * MIB, perSlot).contains("exceeds"), StateBackendRule.reason("auto", 64 * MIB, perSlot));
    }

    @Test
    void aConfiguredBackendIsTaken() {
        assertEquals("hashmap", StateBackendRule.choose("hashmap", 10_000 * MIB, 1));
        assertEquals("rocksdb", StateBackendRule.choose("rocksdb", 0, Long.MAX_VALUE));
    }
}
