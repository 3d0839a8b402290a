package io.platform.query.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs a query and returns its rows as text, one {@code Arrays.toString} per row: answers that compare as strings. */
final class EngineRows {
    private EngineRows() {
    }

    static List<String> of(QueryEngine engine, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        engine.execute(sql, new RowSink() {
            @Override
            public void columns(List<String> names) {
            }

            @Override
            public boolean row(Object[] values) {
                rows.add(Arrays.toString(values));
                return true;
            }
        });
        return rows;
    }
}
