/**
 * Flink's own metrics in the platform's registry: a metric reporter that Flink instantiates in the node's JVM
 * (MiniCluster) hands the task and checkpoint metrics the platform uses to its Prometheus registry and to the job
 * profile, with labels bounded by jobs and tasks.
 */
package io.platform.processing.metrics;
