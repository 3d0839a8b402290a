/**
 * The live dashboard a node serves at {@code /dashboard}: a sampler that turns the stage histograms into per-second
 * figures and keeps the last minutes, the JSON the page polls, and the page itself (no external scripts). Depends on
 * the latency registry, the HTTP server and Jackson; must not depend on another platform module.
 */
package io.platform.observability.dashboard;
