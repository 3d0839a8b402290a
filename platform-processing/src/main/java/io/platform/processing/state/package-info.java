/** Which state backend a job runs on: the rule behind {@code flink.state.backend=auto}. */
package io.platform.processing.state;
