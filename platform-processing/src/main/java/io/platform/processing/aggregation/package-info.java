/**
 * The windowed aggregation job: {@code ingest.*} topics in, keyed tumbling event-time windows with count, sum, min,
 * max and average of every numeric field, {@code agg.<stream>.<view>} out. Depends on platform-wire and Flink.
 */
package io.platform.processing.aggregation;
