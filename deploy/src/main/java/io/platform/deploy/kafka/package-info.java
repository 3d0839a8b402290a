/**
 * The Kafka service: the embedded KRaft broker+controller in this JVM (log under the node's data directory) or an
 * external cluster's address, the stream catalog and the shared producer. Must not depend on any other service.
 */
package io.platform.deploy.kafka;
