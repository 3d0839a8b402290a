/**
 * The schema registry: registers Avro schemas per stream, checks compatibility, assigns global ids and persists them in
 * the compacted {@code _schemas} topic. Depends on platform-wire and Kafka's admin/producer clients only.
 */
package io.platform.ingest.schema;
