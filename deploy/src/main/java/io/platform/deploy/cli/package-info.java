/**
 * The {@code platform} commands, one file per command group; commands that talk to a node are thin clients of its HTTP API.
 * Must not depend on the benchmarks (platform-bench) nor hold any service's logic.
 */
package io.platform.deploy.cli;
