/**
 * The embedded Kafka broker of the all-in-one node: a real KRaft broker+controller in this JVM, with its log under the
 * node's data directory. Not used when the node points at an external cluster.
 */
package io.platform.deploy.kafka;
