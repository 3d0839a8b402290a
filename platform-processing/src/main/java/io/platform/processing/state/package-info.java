/**
 * Which state backend a job runs on: the rule behind {@code flink.state.backend=auto}. Depends on the JDK only (it
 * reads the host's memory), not on Flink.
 */
package io.platform.processing.state;
