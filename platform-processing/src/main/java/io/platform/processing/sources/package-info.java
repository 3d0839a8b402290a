/**
 * Source-side rate control: {@link io.platform.processing.sources.RateControlledSource} wraps a job's Kafka source so
 * its fetch rate follows the downstream by AIMD ({@link io.platform.processing.sources.AimdRate}), on top of Flink's
 * credit-based flow control. See docs/operations.md, "Sources under backpressure". Depends on Flink's source API only;
 * must not depend on the jobs.
 */
package io.platform.processing.sources;
