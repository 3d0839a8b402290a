/**
 * Several network paths to one peer: heartbeats per path, a phi-accrual failure detector, failover of the traffic to a
 * live path with retransmission of everything not yet acknowledged, and one-way delay measurement that reports path
 * asymmetry. {@link io.platform.network.path.MultipathLink} is the sending side,
 * {@link io.platform.network.path.PathResponder} the peer. Plain UDP channels: must not depend on the Netty or Aeron
 * transports.
 */
package io.platform.network.path;
