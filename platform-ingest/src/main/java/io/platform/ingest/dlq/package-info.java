/**
 * Dead-letter publishing: an event that fails decoding or validation goes to {@code dlq.<stream>} with its original
 * bytes and headers naming the reason, the stage and the time. Depends on platform-wire and the Kafka producer.
 */
package io.platform.ingest.dlq;
