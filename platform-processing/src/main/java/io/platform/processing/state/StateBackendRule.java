package io.platform.processing.state;

/**
 * Heap (HashMap) or RocksDB for a job's state. The rule for {@code auto}: the heap backend when the state the job is
 * expected to hold fits in a quarter of the heap a slot may use (state on the heap is live data the collector walks,
 * and a checkpoint copies all of it), RocksDB otherwise (state off-heap in managed memory, incremental checkpoints).
 * At the node's defaults (4 GiB heap, 32 slots: 32 MiB per job) a declared 64 MiB gives RocksDB, 8 MiB the heap.
 * With two-phase aggregation both keep up at 200,000 events/s (docs/benchmarks.md), so size decides, not speed.
 */
public final class StateBackendRule {
    public static final String HEAP = "hashmap";
    public static final String ROCKSDB = "rocksdb";
    public static final String AUTO = "auto";

    private StateBackendRule() {
    }

    /** The backend for a job: {@code configured} unless it is {@code auto}, else by the expected state size. */
    public static String choose(String configured, long expectedStateBytes, long heapBytesPerSlot) {
        if (!configured.equals(AUTO)) {
            return configured;
        }
        return expectedStateBytes <= heapBytesPerSlot / 4 ? HEAP : ROCKSDB;
    }

    /** Why {@link #choose} chose what it did, for the log. */
    public static String reason(String configured, long expectedStateBytes, long heapBytesPerSlot) {
        if (!configured.equals(AUTO)) {
            return "flink.state.backend=" + configured;
        }
        return String.format("flink.state.backend=auto: state ~%d MiB %s a quarter of the heap per slot (%d MiB)", expectedStateBytes >> 20,
                expectedStateBytes <= heapBytesPerSlot / 4 ? "fits in" : "exceeds", (heapBytesPerSlot / 4) >> 20);
    }
}
