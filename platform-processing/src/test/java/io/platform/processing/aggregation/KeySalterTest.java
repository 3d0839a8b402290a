package io.platform.processing.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Hot keys are spread over the window's subtasks by salts sized from what each subtask observes; the rest keep their key. */
class KeySalterTest {
    @Test
    void aKeyOverItsShareIsSaltedAcrossSubtasksAndUnsaltsToItself() {
        KeySalter.HotKeys hotKeys = new KeySalter.HotKeys(4, 1_000, KeySalterTest::subtaskOf);
        // one key in 2 of every 5 partials, the rest spread over 300 keys
        for (int i = 0; i < 3_000; i++) {
            hotKeys.salted(i % 5 < 2 ? "s\u0000hot" : "s\u0000cold-" + (i % 300));
        }
        assertEquals(Map.of("s\u0000hot", 4), hotKeys.factors(), "share 0.4 of 4 subtasks: ceil(0.4 * 4 * 2) = 4 salts, capped at 4");
        Set<String> salts = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            String salted = hotKeys.salted("s\u0000hot");
            assertEquals("s\u0000hot", KeySalter.unsalted(salted));
            salts.add(salted);
        }
        assertEquals(4, salts.size(), "the hot key cycles over its salts");
        assertEquals(Set.of(0, 1, 2, 3), salts.stream().map(KeySalterTest::subtaskOf).collect(java.util.stream.Collectors.toSet()),
                "one salt per window subtask, as Flink's key groups place them");
        assertEquals("s\u0000cold-7", hotKeys.salted("s\u0000cold-7"), "a key under its share keeps its key");
        assertEquals("s\u0000cold-7", KeySalter.unsalted("s\u0000cold-7"));
    }

    private static int subtaskOf(String key) {
        return org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(key, 128, 4);
    }

    @Test
    void saltFactorsFollowTheShareAndNeedTwoSubtasks() {
        Map<String, int[]> counts = Map.of("a", new int[] {300}, "b", new int[] {130}, "c", new int[] {100});
        Map<String, Integer> factors = KeySalter.saltFactors(counts, 1_000, 4);
        assertEquals(3, factors.get("a"), "share 0.3: ceil(2.4) = 3");
        assertEquals(2, factors.get("b"), "share 0.13 > 1/8: at least 2");
        assertTrue(!factors.containsKey("c"), "share 0.1 < 1/8: unsalted");
        assertTrue(KeySalter.saltFactors(counts, 1_000, 1).isEmpty(), "one subtask: nothing to spread over");
    }

    @Test
    void aKeyThatCoolsDownLosesItsSalt() {
        KeySalter.HotKeys hotKeys = new KeySalter.HotKeys(2, 1_000, KeySalterTest::subtaskOf);
        for (int i = 0; i < 1_000; i++) {
            hotKeys.salted(i % 2 == 0 ? "hot" : "k" + i);
        }
        assertTrue(hotKeys.factors().containsKey("hot"));
        for (int i = 0; i < 4_000; i++) {
            hotKeys.salted("k" + (i % 500));
        }
        assertTrue(!hotKeys.factors().containsKey("hot"), "halved every sample, its share fell under 1/4: " + hotKeys.factors());
    }
}
