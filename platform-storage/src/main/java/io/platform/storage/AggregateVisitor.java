package io.platform.storage;

import io.platform.wire.aggregate.WindowAggregate;

/** Receives window aggregates of a scan in key order (series, then window start). */
@FunctionalInterface
public interface AggregateVisitor {
    /** @return false to stop the scan */
    boolean visit(WindowAggregate aggregate);
}
