/**
 * The {@code platform bench} benchmarks (platform-bench.jar): open-loop load against a node of their own, and the peers
 * they compare with (DuckDB, QuestDB, plain RocksDB, plain KafkaProducer). The product (deploy) must never depend on this.
 */
package io.platform.bench;
