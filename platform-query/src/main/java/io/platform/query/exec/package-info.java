/**
 * Planning and execution of the SQL subset over the {@link io.platform.storage.TimeSeriesStore}: tables per stream (raw
 * events) and per stream view (window aggregates), time-range and series-key pushdown into one RocksDB seek, filtering,
 * hash aggregation, sorting and limits. Hot path per row. Depends on platform-storage, platform-wire, {@code sql} and
 * {@code stats}; must not depend on the APIs ({@code http}, {@code flight}).
 */
package io.platform.query.exec;
