/**
 * The small HTTP server every service runs for its API, {@code /health} and {@code /metrics}, and its JSON answers.
 * Depends only on the JDK's HTTP server, Jackson and the latency registry.
 */
package io.platform.observability.http;
