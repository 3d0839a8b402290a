/**
 * The gateway service: HTTP, TCP and Aeron ingest listeners and pull connectors. Must not depend on storage,
 * processing or query services.
 */
package io.platform.deploy.gateway;
