package io.platform.processing.aggregation;

import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import io.platform.wire.aggregate.WindowAggregate;
import org.apache.flink.api.common.functions.AggregateFunction;

/** The second phase: merges the partials of one key and window into its aggregate (count, per-field sum/min/max). */
final class PartialMerger implements AggregateFunction<PartialAggregate, WindowAggregate, WindowAggregate> {
    private final WindowAccumulator fields = new WindowAccumulator();

    @Override
    public WindowAggregate createAccumulator() {
        return fields.createAccumulator();
    }

    @Override
    public WindowAggregate add(PartialAggregate partial, WindowAggregate acc) {
        if (partial.emittedMs > 0) {
            LatencyMetrics.global().recordNanos(Stage.SHUFFLE, (System.currentTimeMillis() - partial.emittedMs) * 1_000_000L);
        }
        return fields.merge(acc, partial.folded);
    }

    @Override
    public WindowAggregate getResult(WindowAggregate acc) {
        return acc;
    }

    @Override
    public WindowAggregate merge(WindowAggregate a, WindowAggregate b) {
        return fields.merge(a, b);
    }
}
