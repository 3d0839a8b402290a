/**
 * The edge agent: tails a file of JSON lines and forwards them in compressed batches to a gateway, remembering how far
 * it got, so a restart neither loses nor repeats lines and an unreachable gateway only delays them. Depends on the
 * JDK's HTTP client and the platform's tracing only; must not depend on the gateway or Kafka, so it runs on hosts that
 * have neither.
 */
package io.platform.ingest.agent;
