/**
 * The storage writer: consumes {@code ingest.*} and {@code agg.*} topics and commits records together with their
 * offsets, so a crash at any point neither loses nor duplicates a row. Depends on the store and platform-wire.
 */
package io.platform.storage.ingest;
