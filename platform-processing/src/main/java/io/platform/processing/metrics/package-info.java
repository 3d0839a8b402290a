/**
 * Flink's own metrics in the platform's registry: a metric reporter that Flink instantiates in the node's JVM
 * (MiniCluster) hands the task and checkpoint metrics the platform uses to its Prometheus registry and to the job
 * profile, with labels bounded by jobs and tasks. Depends on Flink's metric API and the registry; must not depend on
 * the jobs.
 */
package io.platform.processing.metrics;
