/**
 * The query service: engine, HTTP and Flight SQL listeners, planner statistics. Must not depend on the gateway
 * service.
 */
package io.platform.deploy.query;
