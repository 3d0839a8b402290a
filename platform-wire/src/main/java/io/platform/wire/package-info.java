/**
 * The contracts every service shares: the wire format (magic byte, schema id, Avro body), topic names,
 * Kafka header names and the binary ingest frame layout. Depends on nothing of the platform.
 */
package io.platform.wire;
