/** A client of the gateway's binary TCP protocol, for the CLI, the load generator and applications. */
package io.platform.ingest.client;
