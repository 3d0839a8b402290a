/** Flink jobs of the platform; the built-in one is the windowed aggregation in {@code aggregation}. */
package io.platform.processing;
