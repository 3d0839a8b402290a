/**
 * Columnar segments for sealed time partitions: per-column encodings fitted to time series (delta-of-delta
 * timestamps, Gorilla XOR doubles, dictionary strings) in blocks with min/max statistics, so a reader skips blocks by
 * time range and reads only the columns a query names. Depends on the JDK only.
 */
package io.platform.storage.columnar;
