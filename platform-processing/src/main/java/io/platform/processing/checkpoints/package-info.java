/**
 * How often the aggregation jobs checkpoint: an interval and minimum pause planned from a target recovery point (RPO),
 * the state's size and the checkpoint directory's measured write bandwidth. Pure planning over the JDK: must not depend
 * on Flink.
 */
package io.platform.processing.checkpoints;
