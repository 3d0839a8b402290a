/**
 * The edge agent: tails a file of JSON lines and forwards them in compressed batches to a gateway, remembering how
 * far it got, so a restart neither loses nor repeats lines and an unreachable gateway only delays them.
 * Depends on the JDK's HTTP client only.
 */
package io.platform.ingest.agent;
