/**
 * The {@code platform bench} harness and the demo's load generator: open-loop senders at a fixed rate whose latency
 * is measured from each event's intended send time (so coordinated omission is corrected), into HdrHistograms.
 */
package io.platform.deploy.bench;
