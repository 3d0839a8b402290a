/**
 * Jobs that users submit: Flink SQL ({@link io.platform.processing.jobs.SqlJob}) or Java DataStream code in a jar
 * ({@link io.platform.processing.jobs.PlatformJob}), both over the platform's streams through
 * {@link io.platform.processing.jobs.JobContext}: streams in as typed rows with event time, rows out into streams
 * exactly once, where storage and queries pick them up. Must not depend on storage or query.
 */
package io.platform.processing.jobs;
