package io.platform.query.exec;

import java.io.IOException;
import java.util.List;

/** Receives a query's result: its column names once, then rows as they are produced. */
public interface RowSink {
    void columns(List<String> names) throws IOException;

    /** @return false to stop the query early (e.g. the client went away) */
    boolean row(Object[] values) throws IOException;
}
