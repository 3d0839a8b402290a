/**
 * Sampled per-flow traffic counters for the platform's own connections, in the role sFlow and IPFIX play on switches:
 * one frame in N is counted per flow and scaled by N, so the hot path pays a countdown per frame and the table stays
 * bounded however many connections come and go. Depends on the JDK only; the transports call it, never the reverse.
 */
package io.platform.network.flow;
