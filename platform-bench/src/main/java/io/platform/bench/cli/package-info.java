/**
 * The {@code platform bench} commands, one file per group of benchmarks, reusing the product CLI's node options.
 * Commands parse and check options and hand over to io.platform.bench; nothing in deploy may depend on this.
 */
package io.platform.bench.cli;
