/**
 * Structured logs: every log event as one JSON line with the trace and span of the work that logged it, written to one
 * file per log class and hour ({@code <dir>/<class>/<yyyy-MM-ddTHH>.jsonl}, UTC), so a search by time opens only the
 * hours it covers; each class is kept as long as its retention says (debug short, audit long). Depends on logback,
 * OpenTelemetry's current span and Jackson; must not depend on the HTTP server.
 */
package io.platform.observability.logging;
