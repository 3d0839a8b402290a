package io.platform.processing.aggregation;

import io.platform.processing.sources.AimdRate;
import java.io.Serializable;
import java.time.Duration;

/**
 * What the aggregation job needs to know.
 *
 * @param bootstrapServers Kafka cluster to read {@code ingest.*} from and write {@code agg.*} to
 * @param window tumbling window size
 * @param view the view name in {@code agg.<stream>.<view>}, e.g. {@code 10s}
 * @param outOfOrderness how late an event may arrive and still count in its window
 * @param idleness after this long without data a partition stops holding back the watermark
 * @param preAggregate fold events per key and window before the shuffle ({@link LocalPreAggregator}); off only to
 *                     measure what it saves
 * @param salting spread hot keys over several window subtasks and merge them in a second window stage ({@link KeySalter})
 * @param sourceRateControl AIMD rate control of the Kafka source
 *                          ({@link io.platform.processing.sources.RateControlledSource}), or null for Flink's flow control alone
 */
public record AggregationSettings(String bootstrapServers, Duration window, String view, Duration outOfOrderness,
                                  Duration idleness, boolean preAggregate, boolean salting, AimdRate.Settings sourceRateControl)
        implements Serializable {
    /** (key, window) pairs the pre-aggregator holds at most between watermarks: a few MiB of partials. */
    public static final int PRE_AGGREGATION_ENTRIES = 20_000;

    /** With pre-aggregation, the default. */
    public AggregationSettings(String bootstrapServers, Duration window, String view, Duration outOfOrderness, Duration idleness) {
        this(bootstrapServers, window, view, outOfOrderness, idleness, true, false, null);
    }

    /** The view name for a window size: {@code 10s}, {@code 1m}, {@code 1h}, or milliseconds. */
    public static String viewName(Duration window) {
        long ms = window.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
