/**
 * What the node records of itself: logs, traces, flows, the dashboard sampler and the synthetic probe. Reads other
 * services only through their accessors.
 */
package io.platform.deploy.telemetry;
