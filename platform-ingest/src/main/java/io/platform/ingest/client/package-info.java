/**
 * A client of the gateway's binary TCP protocol, for the CLI, the load generator and applications. Depends on
 * platform-wire's frame layout and the network transport; must not depend on the gateway, Kafka or the schema registry,
 * so applications embed it without the server side.
 */
package io.platform.ingest.client;
