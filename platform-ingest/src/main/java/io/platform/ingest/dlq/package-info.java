/**
 * Dead-letter publishing: an event that fails decoding or validation goes to {@code dlq.<stream>} with its original
 * bytes and headers naming the reason, the stage and the time; replays go back through the gateway's ingest path.
 * Depends on platform-wire, the Kafka clients and {@code gateway}; must not depend on storage or processing.
 */
package io.platform.ingest.dlq;
