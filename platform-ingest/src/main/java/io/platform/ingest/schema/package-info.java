/**
 * The schema registry: registers Avro and Protobuf schemas per stream, checks compatibility, assigns global ids and
 * persists them in the compacted {@code _schemas} topic. Depends on platform-wire, Kafka's admin/producer clients and
 * the audit log; must not depend on the gateway.
 */
package io.platform.ingest.schema;
