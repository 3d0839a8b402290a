/**
 * Storage quality of service: per-tenant I/O budgets (token buckets on bytes/s and operations/s) so bulk work such as a
 * backfill cannot raise the read latency of latency-sensitive streams. See docs/operations.md, "Storage QoS". Depends
 * on the metrics registry only; must not depend on RocksDB.
 */
package io.platform.storage.qos;
