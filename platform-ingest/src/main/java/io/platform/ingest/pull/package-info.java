/**
 * Pull connectors that a gateway node runs itself: a file tail and an HTTP endpoint poller. Both feed the node's own
 * ingest path (validation, dead letters, in-flight budget) and keep their position on disk, so a restart neither loses
 * nor repeats events. Must not reach Kafka directly: events go through {@code gateway}.
 */
package io.platform.ingest.pull;
