package io.platform.processing.aggregation;

import io.platform.wire.aggregate.WindowAggregate;

/**
 * The events of one aggregation key and window folded together before the shuffle (see {@link LocalPreAggregator}).
 * A Flink POJO: public fields, no-arg constructor; not thread-safe.
 */
public final class PartialAggregate {
    /** {@link KeyedEvent#aggregationKey()} of every folded event. */
    public String key;
    /** The latest event time folded in, in ms: inside the window, so the window assigner puts the partial there. */
    public long eventTimeMs;
    /** Count and per-field sum/min/max so far. */
    public WindowAggregate folded;
    /** The event itself while only one is folded in, so a late one reaches the dead-letter topic as it was; else null. */
    public KeyedEvent single;
    /**
     * Wall-clock ms when the source task sent the partial on (0 when not sent by a source task): the window operator
     * records the difference as the {@code shuffle} stage, the time it waited in Flink's network buffers.
     */
    public long emittedMs;

    public PartialAggregate() {
    }

    /** A partial of just {@code event}. */
    static PartialAggregate of(KeyedEvent event) {
        WindowAccumulator fields = new WindowAccumulator();
        PartialAggregate partial = new PartialAggregate();
        partial.key = event.aggregationKey();
        partial.eventTimeMs = event.eventTimeMs;
        partial.folded = fields.add(event, fields.createAccumulator());
        partial.single = event;
        partial.emittedMs = System.currentTimeMillis();
        return partial;
    }
}
