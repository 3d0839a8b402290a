/**
 * The storage service: warm, hot and cold tiers, writers, sealing. Must not depend on the gateway or query
 * services.
 */
package io.platform.deploy.storage;
