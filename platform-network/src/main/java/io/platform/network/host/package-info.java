/**
 * Host checks behind {@code platform doctor}: MTU per interface and across configured peers, socket buffer limits, TCP
 * congestion control, clock synchronisation and PTP hardware clocks, memory settings that affect tail latency. Reads
 * /proc and /sys only; depends on the JDK and {@code rdma}'s scan, never on a transport.
 */
package io.platform.network.host;
