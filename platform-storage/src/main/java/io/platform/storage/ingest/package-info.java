/**
 * The storage writer: consumes {@code ingest.*} and {@code agg.*} topics and commits records together with their
 * offsets, so a crash at any point neither loses nor duplicates a row. Hot path per event. Depends on the store,
 * platform-wire and the Kafka consumer; must not depend on query or processing.
 */
package io.platform.storage.ingest;
