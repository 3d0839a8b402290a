/**
 * The demo's load generator, shared with platform-bench: sample sensor events, open-loop senders at a fixed rate whose
 * latency counts from each event's intended send time, gateway runs with per-stage reports. Must not depend on platform-bench.
 */
package io.platform.deploy.demo;
