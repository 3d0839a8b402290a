package io.platform.processing.aggregation;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads the partials of hot keys over several window subtasks: a key seen in more than its share of the partials
 * gets a salt ({@code key + SALT + n}, n cycling over the key's salt factor), so its window state and merging are split
 * across subtasks, and a second window stage merges the salted partial aggregates back per key. The salt factor comes
 * from the key frequencies this subtask observes: over each sample of {@value #SAMPLE} partials, a key with share
 * {@code s} of them, where the window has {@code p} subtasks, gets {@code min(p, ceil(s * p * 2))} salts once
 * {@code s > 1 / (2p)} (it would keep one subtask over half busy alone); others keep their key. The counts are a
 * bounded heavy-hitter table ({@value #TRACKED} keys), halved after each sample so old hot keys fade. Not thread-safe
 * (one per subtask); the table is not checkpointed (it is relearned within one sample).
 */
final class KeySalter extends RichMapFunction<PartialAggregate, PartialAggregate> {
    private static final Logger LOG = LoggerFactory.getLogger(KeySalter.class);
    /** Separates a key from its salt; keys never hold it (series are text, stream names identifiers). */
    static final char SALT = '\u0002';
    static final int SAMPLE = 20_000;
    static final int TRACKED = 1_024;

    private transient HotKeys hotKeys;

    @Override
    public void open(OpenContext context) {
        int subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        int maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        // the window stage runs with this operator's parallelism and max parallelism (the job's defaults)
        hotKeys = new HotKeys(subtasks, SAMPLE,
                key -> KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism, subtasks));
    }

    @Override
    public PartialAggregate map(PartialAggregate partial) {
        partial.key = hotKeys.salted(partial.key);
        return partial;
    }

    /** The key without its salt. */
    static String unsalted(String key) {
        int salt = key.lastIndexOf(SALT);
        return salt < 0 ? key : key.substring(0, salt);
    }

    /** The frequency table and salting rule of one subtask. */
    static final class HotKeys {
        private final int windowSubtasks;
        private final int sample;
        private final ToIntFunction<String> subtaskOf;
        private final Map<String, int[]> counts = new HashMap<>();
        private Map<String, Integer> factors = new HashMap<>();
        private final Map<String, String[]> saltedKeys = new HashMap<>();
        private int seen;
        // observations behind the counts, decayed as they are: a steady key's count over it is its share
        private double weight;
        private int nextSalt;

        /** @param subtaskOf the window subtask a (salted) key goes to, as Flink's key groups assign it */
        HotKeys(int windowSubtasks, int sample, ToIntFunction<String> subtaskOf) {
            this.windowSubtasks = windowSubtasks;
            this.sample = sample;
            this.subtaskOf = subtaskOf;
        }

        /** {@code key}, salted when it is hot; counts it. */
        String salted(String key) {
            count(key);
            Integer factor = factors.get(key);
            if (factor == null) {
                return key;
            }
            String[] salted = saltedKeys.computeIfAbsent(key, k -> saltsOnDistinctSubtasks(k, factor));
            nextSalt = nextSalt == Integer.MAX_VALUE ? 0 : nextSalt + 1;
            return salted[nextSalt % salted.length];
        }

        /**
         * {@code factor} salted forms of {@code key} that land on distinct window subtasks (the partitioning a custom
         * partitioner would give, kept as a keyed stream): two salts hashed at random share one subtask half the time
         * at parallelism 2, and the key would stay on one subtask.
         */
        private String[] saltsOnDistinctSubtasks(String key, int factor) {
            String[] salted = new String[factor];
            Set<Integer> taken = new HashSet<>();
            int found = 0;
            for (int salt = 0; found < factor && salt < 64 * factor; salt++) {
                String candidate = key + SALT + salt;
                if (taken.add(subtaskOf.applyAsInt(candidate))) {
                    salted[found++] = candidate;
                }
            }
            return found == factor ? salted : Arrays.copyOf(salted, Math.max(1, found));
        }

        /** The salt factor of each key now salted. */
        Map<String, Integer> factors() {
            return factors;
        }

        private void count(String key) {
            int[] count = counts.get(key);
            if (count != null) {
                count[0]++;
            } else if (counts.size() < TRACKED) {
                counts.put(key, new int[] {1});
            }
            if (++seen == sample) {
                weight += seen;
                Map<String, Integer> before = factors;
                factors = saltFactors(counts, weight, windowSubtasks);
                saltedKeys.keySet().retainAll(factors.keySet());
                if (!factors.keySet().equals(before.keySet())) {
                    LOG.info("salting hot keys (key → salts) {}", factors);
                }
                counts.values().removeIf(c -> (c[0] >>= 1) == 0);
                weight /= 2;
                seen = 0;
            }
        }
    }

    /** The salt factor of each hot key of a sample, by the rule in the class comment. */
    static Map<String, Integer> saltFactors(Map<String, int[]> counts, double sampled, int windowSubtasks) {
        Map<String, Integer> factors = new HashMap<>();
        if (windowSubtasks < 2) {
            return factors;
        }
        for (Map.Entry<String, int[]> key : counts.entrySet()) {
            double share = key.getValue()[0] / sampled;
            if (share > 1.0 / (2 * windowSubtasks)) {
                factors.put(key.getKey(), Math.min(windowSubtasks, Math.max(2, (int) Math.ceil(share * windowSubtasks * 2))));
            }
        }
        return factors;
    }
}
