/**
 * The ingest gateway: takes events over HTTP (JSON, NDJSON) and binary TCP frames, validates them against the stream's
 * registered schema, and produces them to {@code ingest.<stream>} or, when invalid, to {@code dlq.<stream>}. Hot path
 * per event; must not depend on storage, processing or query.
 */
package io.platform.ingest.gateway;
