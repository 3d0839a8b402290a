/**
 * The windowed aggregate record that processing writes to {@code agg.<stream>.<view>} and storage keeps.
 * Depends only on the wire format.
 */
package io.platform.wire.aggregate;
