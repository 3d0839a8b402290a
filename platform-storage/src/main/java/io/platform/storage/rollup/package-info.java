/**
 * Rollups: materialized views over one stream (per series and time bucket: row count, and count, sum, min and max of
 * numeric fields) kept by storage in the same atomic write as the raw rows. Depends on storage and the wire schemas only.
 */
package io.platform.storage.rollup;
