/**
 * Tiering: time partitions old enough that no more events are expected move from the RocksDB row store into columnar
 * segment files ({@link io.platform.storage.tiering.PartitionSealer}), which queries read column by column
 * ({@link io.platform.storage.tiering.SegmentTier}). A row that arrives for a sealed partition later stays a row and is
 * read next to the segment. Must not depend on the Kafka writer ({@code ingest}).
 */
package io.platform.storage.tiering;
