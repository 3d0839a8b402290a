/**
 * Latency per pipeline stage, recorded into an HdrHistogram and a Micrometer timer, and the Prometheus registry
 * that {@code /metrics} renders. Depends on no other platform module.
 */
package io.platform.observability;
