/**
 * RDMA (InfiniBand, RoCE) detection and the fabric decision. The data path over verbs needs a JNI shim such as DiSNI
 * and RDMA hardware; neither exists on the machines this was built on, so
 * {@link io.platform.network.rdma.RdmaSelection} reports what the host has and falls back to Aeron UDP with one clear
 * log line. See docs/operations.md, "RDMA". Depends on the JDK only.
 */
package io.platform.network.rdma;
