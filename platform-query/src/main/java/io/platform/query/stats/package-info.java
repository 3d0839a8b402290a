/**
 * Table statistics for the planner: per column min/max, distinct values (HyperLogLog) and an equi-depth histogram of
 * numeric columns, gathered from sealed partitions (once each, they never change) and a sample of recent rows. Depends
 * on storage and the wire schemas; the executor depends on it, never the reverse.
 */
package io.platform.query.stats;
