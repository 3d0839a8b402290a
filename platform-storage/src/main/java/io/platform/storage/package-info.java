/**
 * Time-series storage on RocksDB: raw events and window aggregates in key layouts where one series' time range is one
 * seek, plus the Kafka offsets written atomically with the data. Depends on platform-wire only.
 * <p>RocksDB comes from {@code com.ververica:frocksdbjni}, the build Flink's state backend uses, so that one JVM holds
 * one RocksDB library (two jars with the same {@code org.rocksdb} package break Flink's checkpoints).
 */
package io.platform.storage;
