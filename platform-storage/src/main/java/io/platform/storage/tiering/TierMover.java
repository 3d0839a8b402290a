package io.platform.storage.tiering;

import io.platform.storage.SealedPartition;
import io.platform.storage.TimeSeriesStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Moves sealed segments from the warm to the cold tier by age and access heat: a partition goes cold once it ended
 * more than its stream's cold-after ago, unless a query read it within the idle time (then it is still hot enough to
 * stay on the local disk). One thread at a time.
 */
public final class TierMover {
    private final TimeSeriesStore store;
    private final SegmentTier tier;
    private final Supplier<? extends Iterable<String>> streams;
    private final ToLongFunction<String> coldAfterMs;
    private final long idleMs;

    /**
     * @param coldAfterMs per stream: how long after its end a partition goes cold; negative = never
     * @param idleMs a partition read within this long stays warm
     */
    public TierMover(TimeSeriesStore store, SegmentTier tier, Supplier<? extends Iterable<String>> streams,
            ToLongFunction<String> coldAfterMs, long idleMs) {
        this.store = store;
        this.tier = tier;
        this.streams = streams;
        this.coldAfterMs = coldAfterMs;
        this.idleMs = idleMs;
    }

    /** Moves every partition due; returns them. */
    public List<SealedPartition> moveDue(long nowMs) {
        List<SealedPartition> moved = new ArrayList<>();
        for (String stream : streams.get()) {
            long after = coldAfterMs.applyAsLong(stream);
            if (after < 0) {
                continue;
            }
            for (SealedPartition partition : store.sealed(stream, Long.MIN_VALUE, nowMs - after)) {
                boolean old = partition.toMs() <= nowMs - after;
                boolean idle = nowMs - tier.lastReadMs(partition) >= idleMs;
                if (old && idle && tier.location(partition) == SegmentTier.Location.WARM && tier.moveToCold(partition)) {
                    moved.add(partition);
                }
            }
        }
        return moved;
    }
}
