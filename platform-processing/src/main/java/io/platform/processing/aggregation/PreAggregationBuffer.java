package io.platform.processing.aggregation;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Folds events per (aggregation key, window) until drained: the state of {@link LocalPreAggregator}, kept free of Flink
 * so it can be tested alone. Not thread-safe (one per operator instance).
 */
final class PreAggregationBuffer {
    private record Slot(String key, long windowStartMs) {
    }

    private final long windowMs;
    private final int maxEntries;
    private final WindowAccumulator accumulator = new WindowAccumulator();
    private final Map<Slot, PartialAggregate> partials = new HashMap<>();

    /** @param maxEntries (key, window) pairs held before {@link #add} asks for a drain, bounding the memory */
    PreAggregationBuffer(long windowMs, int maxEntries) {
        this.windowMs = windowMs;
        this.maxEntries = maxEntries;
    }

    /** The start of the tumbling window an event time falls in (Flink's rule, offset 0). */
    long windowStart(long eventTimeMs) {
        return eventTimeMs - Math.floorMod(eventTimeMs, windowMs);
    }

    /** Folds {@code event} into its partial; true when the buffer is full and should be drained now. */
    boolean add(KeyedEvent event) {
        String key = event.aggregationKey();
        PartialAggregate partial = partials.computeIfAbsent(new Slot(key, windowStart(event.eventTimeMs)), slot -> {
            PartialAggregate created = new PartialAggregate();
            created.key = slot.key();
            created.eventTimeMs = Long.MIN_VALUE;
            created.folded = accumulator.createAccumulator();
            return created;
        });
        accumulator.add(event, partial.folded);
        partial.single = partial.folded.count == 1 ? event : null;
        partial.eventTimeMs = Math.max(partial.eventTimeMs, event.eventTimeMs);
        return partials.size() >= maxEntries;
    }

    /** A partial of the one event, not buffered: for an event that is probably late, which must not wait. */
    PartialAggregate single(KeyedEvent event) {
        return PartialAggregate.of(event);
    }

    /** Hands every partial to {@code out} and empties the buffer. */
    void drain(Consumer<PartialAggregate> out) {
        partials.values().forEach(out);
        partials.clear();
    }

    int size() {
        return partials.size();
    }
}
