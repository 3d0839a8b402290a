/**
 * The small HTTP server every service runs for its API, {@code /health} and {@code /metrics}.
 * Depends only on the JDK's HTTP server and the latency registry.
 */
package io.platform.observability.http;
