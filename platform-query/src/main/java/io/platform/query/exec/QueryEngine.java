package io.platform.query.exec;

import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import io.platform.observability.tracing.Tracing;
import io.platform.query.sql.Expr;
import io.platform.query.sql.SelectStatement;
import io.platform.query.sql.SqlException;
import io.platform.query.sql.SqlParser;
import io.platform.storage.TimeSeriesStore;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * Plans and runs queries. Planning resolves the table and columns and turns time-range and series-key predicates
 * into one storage seek; execution streams rows straight to the sink when the query neither aggregates nor sorts, and
 * otherwise aggregates in a hash table or sorts within {@link QueryLimits}. Thread-safe: each query gets its own plan.
 */
public final class QueryEngine {
    private final TimeSeriesStore store;
    private final SchemaCatalog catalog;
    private final String aggregateView;
    private final QueryLimits limits;
    private final ResultCache cache;

    public QueryEngine(TimeSeriesStore store, SchemaCatalog catalog, String aggregateView, QueryLimits limits) {
        this(store, catalog, aggregateView, limits, null);
    }

    /** @param cache results reused until their stream's data changes; null for none */
    public QueryEngine(TimeSeriesStore store, SchemaCatalog catalog, String aggregateView, QueryLimits limits, ResultCache cache) {
        this.store = store;
        this.catalog = catalog;
        this.aggregateView = aggregateView;
        this.limits = limits;
        this.cache = cache;
    }

    private enum Mode { RUN, EXPLAIN, EXPLAIN_ANALYZE }

    /**
     * Parses and plans {@code sql}; errors carry the position of the problem. {@code EXPLAIN <query>} answers the plan;
     * {@code EXPLAIN ANALYZE <query>} runs it and answers the plan with rows scanned, matched, returned and the time.
     */
    private static final io.opentelemetry.api.common.AttributeKey<String> QUERY_TEXT = io.opentelemetry.api.common.AttributeKey.stringKey("db.query.text");
    private static final io.opentelemetry.api.common.AttributeKey<String> QUERY_TABLE = io.opentelemetry.api.common.AttributeKey.stringKey("db.collection.name");
    private static final io.opentelemetry.api.common.AttributeKey<Long> ROWS_SCANNED = io.opentelemetry.api.common.AttributeKey.longKey("platform.rows_scanned");

    public PreparedQuery prepare(String sql) throws SqlException {
        Mode mode = Mode.RUN;
        String body = sql;
        java.util.regex.Matcher explain = java.util.regex.Pattern.compile("(?is)^\\s*explain\\s+(analyze\\s+)?(.*)$").matcher(sql);
        if (explain.matches()) {
            mode = explain.group(1) != null ? Mode.EXPLAIN_ANALYZE : Mode.EXPLAIN;
            body = explain.group(2);
        }
        int shift = sql.length() - body.length();
        PreparedQuery query;
        try {
            SelectStatement statement = SqlParser.parse(body);
            query = new PreparedQuery(statement, resolve(statement.table(), statement.tablePosition()));
        } catch (SqlException e) {
            throw shift == 0 ? e : new SqlException(e.getMessage(), e.position() + shift);
        }
        query.mode = mode;
        query.cacheKey = ResultCache.normalize(body);
        return query;
    }

    /** Runs {@code sql} and returns its first row, or null when it has none (e.g. a count or a point lookup). */
    public Object[] firstRow(String sql) throws SqlException, IOException {
        Object[][] first = {null};
        execute(sql, new RowSink() {
            @Override
            public void columns(List<String> names) {
            }

            @Override
            public boolean row(Object[] values) {
                first[0] = values;
                return false;
            }
        });
        return first[0];
    }

    /** Parses, plans and runs {@code sql} into {@code sink}. */
    public void execute(String sql, RowSink sink) throws SqlException, IOException {
        prepare(sql).run(sink);
    }

    private Table resolve(String name, int position) throws SqlException {
        StreamSchema raw = catalog.latest(name);
        if (raw != null) {
            return new RawTable(store, catalog, raw);
        }
        String suffix = "_" + aggregateView;
        if (name.endsWith(suffix)) {
            StreamSchema stream = catalog.latest(name.substring(0, name.length() - suffix.length()));
            if (stream != null) {
                return new AggregateTable(store, stream, aggregateView);
            }
        }
        List<String> known = new ArrayList<>();
        for (String stream : catalog.streams()) {
            known.add(stream);
            known.add(stream + suffix);
        }
        throw new SqlException("unknown table '" + name + "'; tables: " + known, position);
    }

    /** A planned query; run it once. Not thread-safe. */
    public final class PreparedQuery {
        private final SelectStatement statement;
        private final Table table;
        private final Map<String, Integer> columnIndex = new HashMap<>();
        private final List<SelectStatement.SelectItem> items = new ArrayList<>();
        private final List<Filter> filters = new ArrayList<>();
        private long fromMs = Long.MIN_VALUE;
        private long toMs = Long.MAX_VALUE;
        private String series;
        // compiled at planning time, so every error is known before the first row is sent
        private final List<Function<Object[], Object>> projections = new ArrayList<>();
        private final List<Function<Object[], Object>> groupFns = new ArrayList<>();
        private int[] groupSlot;
        private Function<Object[], Object>[] aggInputs;
        private String[] aggFunctions;
        private Comparator<Object[]> order;
        private Mode mode = Mode.RUN;
        private String cacheKey;
        private long rowsScanned;
        private long rowsMatched;

        private record Filter(int column, String operator, Object value) {
            boolean test(Object[] row) {
                Object v = row[column];
                if (v == null) {
                    return false;
                }
                int c = Values.compare(v, value);
                return switch (operator) {
                    case "=" -> c == 0;
                    case "!=" -> c != 0;
                    case "<" -> c < 0;
                    case "<=" -> c <= 0;
                    case ">" -> c > 0;
                    default -> c >= 0;
                };
            }
        }

        private PreparedQuery(SelectStatement statement, Table table) throws SqlException {
            this.statement = statement;
            this.table = table;
            for (int i = 0; i < table.columns().size(); i++) {
                columnIndex.put(table.columns().get(i).toLowerCase(Locale.ROOT), i);
            }
            for (SelectStatement.SelectItem item : statement.items()) {
                if (item.expr() instanceof Expr.Star) {
                    for (String column : table.columns()) {
                        items.add(new SelectStatement.SelectItem(new Expr.Column(column, item.expr().position()), null));
                    }
                } else {
                    items.add(item);
                }
            }
            Map<String, String> keyEquals = new HashMap<>();
            for (SelectStatement.Condition condition : statement.where()) {
                int column = column(condition.column());
                filters.add(new Filter(column, condition.operator(), condition.value()));
                String name = table.columns().get(column);
                if (name.equals(table.timeColumn()) && condition.value() instanceof Number n) {
                    long v = n.longValue();
                    switch (condition.operator()) {
                        case "=" -> narrow(v, v + 1);
                        case ">=" -> narrow(v, Long.MAX_VALUE);
                        case ">" -> narrow(v + 1, Long.MAX_VALUE);
                        case "<" -> narrow(Long.MIN_VALUE, v);
                        case "<=" -> narrow(Long.MIN_VALUE, v + 1);
                        default -> { }
                    }
                }
                if (condition.operator().equals("=") && table.keyColumns().contains(name) && condition.value() instanceof String s) {
                    keyEquals.put(name, s);
                }
            }
            if (!table.keyColumns().isEmpty() && keyEquals.keySet().containsAll(table.keyColumns())) {
                series = String.join(String.valueOf(StreamSchema.SERIES_SEPARATOR),
                        table.keyColumns().stream().map(keyEquals::get).toList());
            }
            if (statement.aggregates()) {
                compileAggregation();
            } else {
                for (SelectStatement.SelectItem item : items) {
                    projections.add(compile(item.expr()));
                }
            }
            for (SelectStatement.OrderItem item : statement.orderBy()) {
                int index = outputIndex(item.expr());
                Comparator<Object[]> c = (a, b) -> Values.compare(a[index], b[index]);
                c = item.descending() ? c.reversed() : c;
                order = order == null ? c : order.thenComparing(c);
            }
        }

        @SuppressWarnings("unchecked")
        private void compileAggregation() throws SqlException {
            List<String> groupLabels = new ArrayList<>();
            for (Expr e : statement.groupBy()) {
                groupFns.add(compile(e));
                groupLabels.add(e.label().toLowerCase(Locale.ROOT));
            }
            // each output column is either an aggregate over rows or one of the group keys
            int n = items.size();
            groupSlot = new int[n];
            aggInputs = new Function[n];
            aggFunctions = new String[n];
            for (int i = 0; i < n; i++) {
                Expr e = items.get(i).expr();
                if (e instanceof Expr.Call call && call.isAggregate()) {
                    groupSlot[i] = -1;
                    aggFunctions[i] = call.function();
                    if (call.args().size() != 1) {
                        throw new SqlException(call.function() + " takes one argument", call.position());
                    }
                    Expr arg = call.args().get(0);
                    if (arg instanceof Expr.Star) {
                        if (!call.function().equals("count")) {
                            throw new SqlException(call.function() + "(*) is not defined; name a column", call.position());
                        }
                        aggInputs[i] = row -> Boolean.TRUE;
                    } else {
                        aggInputs[i] = compile(arg);
                    }
                } else {
                    int slot = groupLabels.indexOf(e.label().toLowerCase(Locale.ROOT));
                    if (slot < 0) {
                        throw new SqlException("'" + e.label() + "' must appear in GROUP BY or be inside an aggregate", e.position());
                    }
                    groupSlot[i] = slot;
                }
            }
        }

        private void narrow(long from, long to) {
            fromMs = Math.max(fromMs, from);
            toMs = Math.min(toMs, to);
        }

        private int column(Expr.Column column) throws SqlException {
            Integer index = columnIndex.get(column.name().toLowerCase(Locale.ROOT));
            if (index == null) {
                throw new SqlException("unknown column '" + column.name() + "' in table " + statement.table()
                        + "; columns: " + table.columns(), column.position());
            }
            return index;
        }

        /** A description of how the query will run, for EXPLAIN-style diagnostics and tests. */
        public String plan() {
            return "scan table=" + statement.table() + (series != null ? " series=" + series.replace(StreamSchema.SERIES_SEPARATOR, '|') + " (one seek)" : " all-series")
                    + " time=[" + (fromMs == Long.MIN_VALUE ? "-inf" : fromMs) + "," + (toMs == Long.MAX_VALUE ? "+inf" : toMs) + ")"
                    + " filters=" + filters.size() + (statement.aggregates() ? " hash-aggregate" : "")
                    + (statement.orderBy().isEmpty() ? "" : " sort") + (statement.limit() == Long.MAX_VALUE ? "" : " limit=" + statement.limit());
        }

        public List<String> columnNames() {
            return items.stream().map(SelectStatement.SelectItem::name).toList();
        }

        /** Runs the query; rows go to {@code sink} as they are ready. */
        public void run(RowSink sink) throws SqlException, IOException {
            long start = System.nanoTime();
            // a child of whatever is current: the HTTP request's traceparent, or a synthetic probe's own trace
            io.opentelemetry.api.trace.Span span = Tracing.global().tracer().spanBuilder("query")
                    .setAttribute(QUERY_TEXT, cacheKey.length() > 200 ? cacheKey.substring(0, 200) : cacheKey)
                    .setAttribute(QUERY_TABLE, statement.table()).startSpan();
            try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
                switch (mode) {
                    case EXPLAIN -> {
                        sink.columns(List.of("plan"));
                        sink.row(new Object[] {plan()});
                    }
                    case EXPLAIN_ANALYZE -> {
                        long[] returned = {0};
                        execute(new RowSink() {
                            @Override
                            public void columns(List<String> names) {
                            }

                            @Override
                            public boolean row(Object[] values) {
                                returned[0]++;
                                return true;
                            }
                        }, start);
                        sink.columns(List.of("plan", "rows_scanned", "rows_matched", "rows_returned", "elapsed_ms"));
                        sink.row(new Object[] {plan(), rowsScanned, rowsMatched, returned[0], (System.nanoTime() - start) / 1e6});
                    }
                    default -> runCached(sink, start);
                }
            } catch (SqlException | IOException | RuntimeException e) {
                span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, e.getMessage() == null ? e.toString() : e.getMessage());
                throw e;
            } finally {
                span.setAttribute(ROWS_SCANNED, rowsScanned);
                span.end();
                LatencyMetrics.global().recordNanos(Stage.QUERY, System.nanoTime() - start);
            }
        }

        private void runCached(RowSink sink, long start) throws SqlException, IOException {
            if (cache == null) {
                sink.columns(columnNames());
                execute(sink, start);
                return;
            }
            // the version is read before running: a commit during the run leaves the stored entry already stale
            long version = cache.version(table.stream());
            ResultCache.Entry hit = cache.get(cacheKey, version);
            if (hit != null) {
                sink.columns(hit.columns());
                for (Object[] row : hit.rows()) {
                    if (!sink.row(row)) {
                        return;
                    }
                }
                return;
            }
            List<Object[]> captured = new ArrayList<>();
            boolean[] complete = {true};
            sink.columns(columnNames());
            execute(new RowSink() {
                @Override
                public void columns(List<String> names) {
                }

                @Override
                public boolean row(Object[] values) throws IOException {
                    if (captured.size() < cache.maxRowsPerEntry()) {
                        captured.add(values);
                    } else {
                        complete[0] = false;
                    }
                    boolean more = sink.row(values);
                    complete[0] &= more;
                    return more;
                }
            }, start);
            if (complete[0]) {
                cache.put(cacheKey, new ResultCache.Entry(columnNames(), captured, version));
            }
        }

        private void execute(RowSink sink, long start) throws SqlException, IOException {
            long deadline = start + limits.timeoutMs() * 1_000_000L;
            if (statement.aggregates()) {
                runAggregate(sink, deadline);
            } else {
                runProjection(sink, deadline);
            }
        }

        private interface MatchingRow {
            /** @return false to stop the scan */
            boolean accept(Object[] row) throws SqlException, IOException;
        }

        /** Scans the planned range, hands each row that passes the filters to {@code visitor}, enforces the deadline. */
        private void scanMatching(long deadline, MatchingRow visitor) throws SqlException, IOException {
            long[] seen = {0};
            Exception[] error = {null};
            table.scan(series, fromMs, toMs, row -> {
                try {
                    checkDeadline(deadline, ++seen[0]);
                    rowsScanned++;
                    if (!passes(row)) {
                        return true;
                    }
                    rowsMatched++;
                    return visitor.accept(row);
                } catch (SqlException | IOException e) {
                    error[0] = e;
                    return false;
                }
            });
            if (error[0] instanceof SqlException e) {
                throw e;
            }
            if (error[0] instanceof IOException e) {
                throw e;
            }
        }

        private boolean passes(Object[] row) {
            for (Filter filter : filters) {
                if (!filter.test(row)) {
                    return false;
                }
            }
            return true;
        }

        private void checkDeadline(long deadline, long rows) throws SqlException {
            if ((rows & 1023) == 0 && System.nanoTime() > deadline) {
                throw new SqlException("query timed out after " + limits.timeoutMs() + " ms: narrow the time range or add a series filter", 1);
            }
        }

        private void runProjection(RowSink sink, long deadline) throws SqlException, IOException {
            boolean sorted = !statement.orderBy().isEmpty();
            long limit = statement.limit();
            if (sorted && order != null && limit < limits.maxMaterializedRows()) {
                runTopN(sink, deadline, (int) limit);
                return;
            }
            List<Object[]> buffer = new ArrayList<>();
            long[] emitted = {0};
            if (limit > 0) {
                scanMatching(deadline, row -> {
                    Object[] out = project(row);
                    if (!sorted) {
                        return sink.row(out) && ++emitted[0] < limit;
                    }
                    if (buffer.size() >= limits.maxMaterializedRows()) {
                        throw new SqlException("query needs more than " + limits.maxMaterializedRows()
                                + " rows in memory to sort: add a LIMIT-friendly filter or aggregate first", 1);
                    }
                    buffer.add(out);
                    return true;
                });
            }
            if (sorted) {
                emitSorted(buffer, sink);
            }
        }

        private Object[] project(Object[] row) {
            Object[] out = new Object[projections.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = projections.get(i).apply(row);
            }
            return out;
        }

        /**
         * ORDER BY with a LIMIT below the memory limit: keeps only the best {@code limit} rows in a heap whose top is
         * the worst of them, so memory is O(limit) and a row that cannot make it costs one comparison. Ties keep scan
         * order (the scan position breaks them), so the result is what a full stable sort and LIMIT give.
         */
        private void runTopN(RowSink sink, long deadline, int limit) throws SqlException, IOException {
            if (limit == 0) {
                return;
            }
            record Ranked(Object[] row, long position) {
            }
            Comparator<Ranked> best = Comparator.<Ranked, Object[]>comparing(Ranked::row, order).thenComparingLong(Ranked::position);
            PriorityQueue<Ranked> kept = new PriorityQueue<>(Math.min(limit, 1024) + 1, best.reversed());
            long[] position = {0};
            scanMatching(deadline, row -> {
                Ranked candidate = new Ranked(project(row), position[0]++);
                if (kept.size() < limit) {
                    kept.add(candidate);
                } else if (best.compare(candidate, kept.peek()) < 0) {
                    kept.poll();
                    kept.add(candidate);
                }
                return true;
            });
            List<Ranked> winners = new ArrayList<>(kept);
            winners.sort(best);
            for (Ranked winner : winners) {
                if (!sink.row(winner.row())) {
                    return;
                }
            }
        }

        private void runAggregate(RowSink sink, long deadline) throws SqlException, IOException {
            int n = items.size();
            Map<List<Object>, Accumulator[]> groups = new LinkedHashMap<>();
            scanMatching(deadline, row -> {
                Object[] key = new Object[groupFns.size()];
                for (int g = 0; g < key.length; g++) {
                    key[g] = groupFns.get(g).apply(row);
                }
                List<Object> groupKey = Arrays.asList(key);
                Accumulator[] accs = groups.get(groupKey);
                if (accs == null) {
                    if (groups.size() >= limits.maxMaterializedRows()) {
                        throw new SqlException("query has more than " + limits.maxMaterializedRows() + " groups: group by fewer or coarser keys", 1);
                    }
                    accs = new Accumulator[n];
                    for (int i = 0; i < n; i++) {
                        if (groupSlot[i] < 0) {
                            accs[i] = new Accumulator(aggFunctions[i]);
                        }
                    }
                    groups.put(groupKey, accs);
                }
                for (int i = 0; i < n; i++) {
                    if (accs[i] != null) {
                        accs[i].add(aggInputs[i].apply(row));
                    }
                }
                return true;
            });
            if (groups.isEmpty() && groupFns.isEmpty()) {
                Accumulator[] empty = new Accumulator[n];
                for (int i = 0; i < n; i++) {
                    empty[i] = new Accumulator(aggFunctions[i]);
                }
                groups.put(List.of(), empty);
            }
            List<Object[]> rows = new ArrayList<>(groups.size());
            for (Map.Entry<List<Object>, Accumulator[]> group : groups.entrySet()) {
                Object[] out = new Object[n];
                for (int i = 0; i < n; i++) {
                    out[i] = groupSlot[i] >= 0 ? group.getKey().get(groupSlot[i]) : group.getValue()[i].result();
                }
                rows.add(out);
            }
            emitSorted(rows, sink);
        }

        private void emitSorted(List<Object[]> rows, RowSink sink) throws IOException {
            if (order != null) {
                rows.sort(order);
            }
            long limit = statement.limit();
            for (int i = 0; i < rows.size() && i < limit; i++) {
                if (!sink.row(rows.get(i))) {
                    return;
                }
            }
        }

        private int outputIndex(Expr e) throws SqlException {
            if (e instanceof Expr.Literal literal && literal.value() instanceof Long position) {
                if (position < 1 || position > items.size()) {
                    throw new SqlException("ORDER BY position " + position + " is not between 1 and " + items.size(), e.position());
                }
                return (int) (position - 1);
            }
            String label = e.label().toLowerCase(Locale.ROOT);
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).name().toLowerCase(Locale.ROOT).equals(label) || items.get(i).expr().label().toLowerCase(Locale.ROOT).equals(label)) {
                    return i;
                }
            }
            throw new SqlException("ORDER BY '" + e.label() + "' must name an output column, its alias or its position", e.position());
        }

        private Function<Object[], Object> compile(Expr e) throws SqlException {
            if (e instanceof Expr.Column column) {
                int index = column(column);
                return row -> row[index];
            }
            if (e instanceof Expr.Literal literal) {
                Object value = literal.value();
                return row -> value;
            }
            if (e instanceof Expr.Call call) {
                if (call.function().equals("time_bucket")) {
                    if (call.args().size() != 2 || !(call.args().get(1) instanceof Expr.Column)) {
                        throw new SqlException("time_bucket takes (width, column), e.g. time_bucket('10s', ts)", call.position());
                    }
                    long width = widthMs(call.args().get(0));
                    Function<Object[], Object> time = compile(call.args().get(1));
                    return row -> {
                        Object t = time.apply(row);
                        return t instanceof Number n ? Math.floorDiv(n.longValue(), width) * width : null;
                    };
                }
                throw new SqlException(call.isAggregate() ? call.function() + " is only allowed in the SELECT list of an aggregate query"
                        : "unknown function '" + call.function() + "'; functions: count, sum, min, max, avg, time_bucket", call.position());
            }
            throw new SqlException("'*' is only allowed alone or in count(*)", e.position());
        }

        private long widthMs(Expr e) throws SqlException {
            if (e instanceof Expr.Literal literal) {
                if (literal.value() instanceof Long ms && ms > 0) {
                    return ms;
                }
                if (literal.value() instanceof String text && text.matches("\\d+(ms|s|m|h|d)")) {
                    long amount = Long.parseLong(text.replaceAll("\\D", ""));
                    String unit = text.replaceAll("\\d", "");
                    return amount * switch (unit) {
                        case "ms" -> 1L;
                        case "s" -> 1000L;
                        case "m" -> 60_000L;
                        case "h" -> 3_600_000L;
                        default -> 86_400_000L;
                    };
                }
            }
            throw new SqlException("time_bucket width must be milliseconds or a string like '10s', '5m', '1h'", e.position());
        }
    }

    /** count/sum/min/max/avg over a group. Sums of whole numbers stay exact as long. */
    private static final class Accumulator {
        private final String function;
        private long count;
        private long longSum;
        private double doubleSum;
        private boolean fractional;
        private Object extreme;

        Accumulator(String function) {
            this.function = function;
        }

        void add(Object value) {
            if (value == null) {
                return;
            }
            count++;
            switch (function) {
                case "sum", "avg" -> {
                    if (value instanceof Long l && !fractional) {
                        longSum += l;
                    } else if (value instanceof Number n) {
                        if (!fractional) {
                            fractional = true;
                            doubleSum = longSum;
                        }
                        doubleSum += n.doubleValue();
                    }
                }
                case "min" -> extreme = extreme == null || Values.compare(value, extreme) < 0 ? value : extreme;
                case "max" -> extreme = extreme == null || Values.compare(value, extreme) > 0 ? value : extreme;
                default -> { }
            }
        }

        Object result() {
            return switch (function) {
                case "count" -> count;
                case "sum" -> count == 0 ? null : fractional ? (Object) doubleSum : (Object) longSum;
                case "avg" -> count == 0 ? null : (fractional ? doubleSum : longSum) / (double) count;
                default -> extreme;
            };
        }
    }
}
