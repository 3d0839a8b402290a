/**
 * The platform node: configuration, and the all-in-one process that starts Kafka (embedded or external), the ingest
 * gateway, storage, the Flink aggregation job and the query service against one data directory.
 */
package io.platform.deploy.node;
