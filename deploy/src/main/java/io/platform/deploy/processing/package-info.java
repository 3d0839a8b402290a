/**
 * The processing service: Flink aggregation jobs, submitted jobs and materialized views. Must not depend on the
 * gateway or storage services.
 */
package io.platform.deploy.processing;
