/**
 * Flink jobs of the platform; the built-in one is the windowed aggregation in {@code aggregation}. Here: what the jobs
 * share per JVM (the schema catalog readers). Must not depend on storage or query: jobs reach other services only
 * through streams.
 */
package io.platform.processing;
