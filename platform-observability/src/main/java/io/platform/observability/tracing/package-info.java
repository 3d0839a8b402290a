/**
 * OpenTelemetry tracing of event batches: a span per batch at the gateway, its W3C {@code traceparent} carried in every
 * record's Kafka headers, and child spans where storage commits them, so one trace shows each hop. Off (a no-op with no
 * per-event cost) unless an OTLP endpoint is configured. Depends on the OpenTelemetry SDK only.
 */
package io.platform.observability.tracing;
