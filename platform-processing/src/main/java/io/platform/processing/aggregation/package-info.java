/**
 * The windowed aggregation job: {@code ingest.*} topics in, keyed tumbling event-time windows with count, sum, min, max
 * and average of every numeric field, {@code agg.<stream>.<view>} out. Hot path per event. Depends on platform-wire,
 * Flink and its Kafka connector; must not depend on storage or query.
 */
package io.platform.processing.aggregation;
