package io.platform.query.exec;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import io.platform.observability.tracing.Tracing;
import io.platform.query.sql.Expr;
import io.platform.query.sql.SelectStatement;
import io.platform.query.sql.SqlException;
import io.platform.query.sql.SqlParser;
import io.platform.query.stats.ColumnStatistics;
import io.platform.query.stats.StatisticsCatalog;
import io.platform.query.stats.TableStatistics;
import io.platform.storage.rollup.RollupDefinition;
import io.platform.storage.rollup.RollupPartial;
import io.platform.storage.rollup.Rollups;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.columnar.ColumnarSegment;
import io.platform.storage.tiering.SegmentTier;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plans and runs queries. Planning resolves the table and columns and turns time-range and series-key predicates
 * into one storage seek; execution streams rows straight to the sink when the query neither aggregates nor sorts, and
 * otherwise aggregates in a hash table or sorts within {@link QueryLimits}. Thread-safe: each query gets its own plan.
 *
 * <p>Two execution paths, chosen by where the data lies rather than by a guess: sealed partitions arrive as column
 * blocks and run vectorized (filters narrow a selection vector over primitive arrays, aggregates fold runs of rows of
 * one group in tight loops, top-N compares a primitive before building a row), after blocks are skipped by their
 * min/max statistics; recent rows, still in the row store, run row at a time, which is also the cheap path for point
 * lookups there (one seek). Both feed the same accumulators, so a result does not depend on what has been sealed.
 */
public final class QueryEngine {
    private final TimeSeriesStore store;
    private final SchemaCatalog catalog;
    private final String aggregateView;
    private final QueryLimits limits;
    private final ResultCache cache;
    private final SegmentTier segments;

    public QueryEngine(TimeSeriesStore store, SchemaCatalog catalog, String aggregateView, QueryLimits limits) {
        this(store, catalog, aggregateView, limits, null);
    }

    /** @param cache results reused until their stream's data changes; null for none */
    public QueryEngine(TimeSeriesStore store, SchemaCatalog catalog, String aggregateView, QueryLimits limits, ResultCache cache) {
        this(store, null, catalog, aggregateView, limits, cache);
    }

    /**
     * @param segments the store's sealed partitions, read column block by column block; null when nothing is sealed
     * @param cache results reused until their stream's data changes; null for none
     */
    public QueryEngine(TimeSeriesStore store, SegmentTier segments, SchemaCatalog catalog, String aggregateView,
            QueryLimits limits, ResultCache cache) {
        this.segments = segments;
        this.store = store;
        this.catalog = catalog;
        this.aggregateView = aggregateView;
        this.limits = limits;
        this.cache = cache;
    }

    private enum Mode { RUN, EXPLAIN, EXPLAIN_ANALYZE }

    // the store's rollups: queries they answer read them instead of the rows; null for none
    private volatile Rollups rollups;
    private volatile LatencyMetrics metrics = LatencyMetrics.global();
    // column statistics behind the estimates of matched rows and groups; null for none
    private volatile StatisticsCatalog statistics;

    /** Estimates matched rows and groups from {@code statistics} (EXPLAIN, and the aggregation's table size). */
    public QueryEngine withStatistics(StatisticsCatalog statistics) {
        this.statistics = statistics;
        return this;
    }

    /** Records query latency into {@code metrics} (the node passes its own) instead of the process registry. */
    public QueryEngine withMetrics(LatencyMetrics metrics) {
        this.metrics = metrics;
        return this;
    }

    /** Reads {@code rollups} by name and in place of their streams' rows where they answer a query exactly. */
    public QueryEngine withRollups(Rollups rollups) {
        this.rollups = rollups;
        return this;
    }

    /**
     * Defines a rollup, {@code CREATE MATERIALIZED VIEW <name> AS <select>} where the select groups one stream by its
     * series keys and a time_bucket (see {@link RollupShape}): storage keeps it exact, and it fills from the stream's
     * stored rows in the background.
     *
     * @return a JSON line describing it
     * @throws SqlException what the query must change, with its position in {@code select}
     */
    public String createRollup(String name, String select) throws SqlException {
        Rollups kept = rollups;
        if (kept == null) {
            throw new SqlException("this node keeps no rollups (no storage here): create the view on a node with node.role storage", 1);
        }
        SelectStatement statement = SqlParser.parse(select);
        StreamSchema stream = catalog.latest(statement.table());
        if (stream == null) {
            throw new SqlException("unknown stream '" + statement.table() + "'; a rollup reads one stream of " + catalog.streams(),
                    statement.tablePosition());
        }
        if (tables().containsKey(name)) {
            throw new SqlException("'" + name + "' names a stream or view already: pick another name", 1);
        }
        RollupDefinition definition = RollupShape.define(name, select, statement, stream);
        kept.create(definition);
        ObjectNode view = JsonNodeFactory.instance.objectNode()
                .put("view", name)
                .put("kind", "rollup")
                .put("stream", stream.stream())
                .put("bucket_ms", definition.widthMs())
                .put("fields", String.join(",", definition.fields()))
                .put("state", kept.state(name))
                .put("kept_by", "storage, in the same write as the rows");
        return view.toString();
    }

    /** Drops a rollup; false when there is none of that name. */
    public boolean dropRollup(String name) {
        Rollups kept = rollups;
        // a cached answer over the view is never served again: naming it no longer plans
        return kept != null && kept.drop(name);
    }

    /**
     * Parses and plans {@code sql}; errors carry the position of the problem. {@code EXPLAIN <query>} answers the plan;
     * {@code EXPLAIN ANALYZE <query>} runs it and answers the plan with rows scanned, matched, returned and the time.
     */
    private static final AttributeKey<String> QUERY_TEXT = AttributeKey.stringKey("db.query.text");
    private static final AttributeKey<String> QUERY_TABLE = AttributeKey.stringKey("db.collection.name");
    private static final AttributeKey<Long> ROWS_SCANNED = AttributeKey.longKey("platform.rows_scanned");

    public PreparedQuery prepare(String sql) throws SqlException {
        return prepare(sql, limits);
    }

    /** As {@link #prepare(String)}, under {@code queryLimits} instead of the engine's (a user's own, say). */
    public PreparedQuery prepare(String sql, QueryLimits queryLimits) throws SqlException {
        Mode mode = Mode.RUN;
        String body = sql;
        Matcher explain = Pattern.compile("(?is)^\\s*explain\\s+(analyze\\s+)?(.*)$").matcher(sql);
        if (explain.matches()) {
            mode = explain.group(1) != null ? Mode.EXPLAIN_ANALYZE : Mode.EXPLAIN;
            body = explain.group(2);
        }
        int shift = sql.length() - body.length();
        PreparedQuery query;
        try {
            SelectStatement statement = SqlParser.parse(body);
            Table table = resolve(statement.table(), statement.tablePosition());
            if (statement.join() != null) {
                table = JoinTable.plan(table, statement.tableAlias(), resolve(statement.join().table(), statement.join().position()),
                        statement.join(), queryLimits.maxMaterializedRows());
            }
            if (statement.join() == null && table instanceof RawTable) {
                table = rollupAnswering(statement, table);
            }
            query = new PreparedQuery(statement, table);
        } catch (SqlException e) {
            throw shift == 0 ? e : new SqlException(e.getMessage(), e.position() + shift);
        }
        query.mode = mode;
        query.limits = queryLimits;
        // an answer under other limits is another answer: one limit may refuse what another computes
        query.cacheKey = ResultCache.normalize(body) + (queryLimits.equals(limits) ? ""
                : " /* limits " + queryLimits.timeoutMs() + " ms, " + queryLimits.maxMaterializedRows() + " rows */");
        return query;
    }

    /**
     * The widest ready rollup of the query's stream that answers it exactly (fewest rows to merge), else {@code rows}.
     * A rollup is kept in the same atomic write as the rows, so it gives what the rows give, late events included.
     */
    private Table rollupAnswering(SelectStatement statement, Table rows) {
        Rollups kept = rollups;
        StreamSchema stream = kept == null ? null : catalog.latest(rows.stream());
        if (stream == null || !statement.aggregates()) {
            return rows;
        }
        RollupDefinition best = null;
        for (RollupDefinition definition : kept.readyFor(stream.stream())) {
            if (RollupShape.answers(statement, definition, stream) && (best == null || definition.widthMs() > best.widthMs())) {
                best = definition;
            }
        }
        return best == null ? rows : RollupTable.partials(kept, best, stream);
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

    /** Every table a query can name: each stream's raw events, and its window aggregates as {@code <stream>_<view>}. */
    public Map<String, Boolean> tables() {
        Map<String, Boolean> tables = new TreeMap<>();
        for (String stream : catalog.streams()) {
            tables.put(stream, false);
            tables.put(stream + "_" + aggregateView, true);
        }
        Rollups kept = rollups;
        if (kept != null) {
            kept.definitions().keySet().forEach(name -> tables.put(name, true));
        }
        return tables;
    }

    /**
     * The stream whose rows {@code table} exposes: a stream itself, its window aggregates ({@code <stream>_<view>}),
     * or a rollup over it; null for a name that is none of these. Access is granted per stream, so every table a
     * query reads is checked as its stream.
     */
    public String streamOf(String table) {
        if (catalog.latest(table) != null) {
            return table;
        }
        Rollups kept = rollups;
        RollupDefinition rollup = kept == null ? null : kept.definition(table);
        if (rollup != null) {
            return rollup.stream();
        }
        String suffix = "_" + aggregateView;
        if (table.endsWith(suffix) && catalog.latest(table.substring(0, table.length() - suffix.length())) != null) {
            return table.substring(0, table.length() - suffix.length());
        }
        return null;
    }

    private Table resolve(String name, int position) throws SqlException {
        StreamSchema raw = catalog.latest(name);
        if (raw != null) {
            return new RawTable(store, segments, catalog, raw);
        }
        Rollups kept = rollups;
        RollupDefinition rollup = kept == null ? null : kept.definition(name);
        if (rollup != null && catalog.latest(rollup.stream()) != null) {
            if (!kept.isReady(name)) {
                throw new SqlException("view '" + name + "' is " + kept.state(name) + " (filling from the rows " + rollup.stream()
                        + " held when it was created): query it again shortly, or query " + rollup.stream() + " itself", position);
            }
            return RollupTable.named(kept, rollup, catalog.latest(rollup.stream()));
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
        /** The tables the query reads, as named in it (FROM, then JOIN). */
        public List<String> tablesRead() {
            return statement.join() == null ? List.of(statement.table()) : List.of(statement.table(), statement.join().table());
        }

        private final SelectStatement statement;
        private final Table table;
        // this query's bounds: the engine's, or those its caller was given (shadows the engine's field on purpose)
        private QueryLimits limits = QueryEngine.this.limits;
        // lower-case names to table columns: bare and qualified by the table's alias; in a join, qualified always
        // and bare where only one side has the name
        private final Map<String, Integer> columnIndex = new HashMap<>();
        private final Set<String> ambiguousColumns = new HashSet<>();
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
        // table columns the query reads: only these are decoded from column blocks
        private final boolean[] columnsRead;
        // vectorized aggregation: the table column of each aggregate's argument (-1 for count(*)) and of each group
        // key, with its time_bucket width (0 for the plain column); null when some expression needs the row path
        private int[] aggColumn;
        private int[] groupColumn;
        private long[] groupBucket;
        // top-N: the table column of the first ORDER BY key when it is a plain column, else -1 (its output position and
        // direction are orderOutputs[0] and orderDescending[0])
        private int firstOrderColumn = -1;
        // every ORDER BY key as a table column, its output position and direction; null when some key is not a column
        private int[] orderColumns;
        private int[] orderOutputs;
        private boolean[] orderDescending;
        private Table.ScanRequest lastScan;

        private record Filter(int column, String operator, Object value) {
            boolean test(Object[] row) {
                Object v = row[column];
                return v != null && holds(operator, Values.compare(v, value));
            }

            static boolean holds(String operator, int c) {
                return switch (operator) {
                    case "=" -> c == 0;
                    case "!=" -> c != 0;
                    case "<" -> c < 0;
                    case "<=" -> c <= 0;
                    case ">" -> c > 0;
                    default -> c >= 0;
                };
            }

            /**
             * Keeps, of the rows {@code selection[0..n)} of a column block, those that pass; returns how many. Same
             * semantics as {@link #test}: numbers compare numerically (longs exactly), everything else as text.
             */
            int refine(Object values, int[] selection, int n) {
                if (values == null) {
                    return 0; // the block has no such column: every value is null, and null passes no comparison
                }
                int kept = 0;
                if (values instanceof double[] doubles && value instanceof Number number) {
                    double v = number.doubleValue();
                    if (v != v || v == 0) {
                        // NaN and signed zeros order by Double.compare, which the plain operators below do not follow
                        for (int k = 0; k < n; k++) {
                            int r = selection[k];
                            if (holds(operator, Double.compare(doubles[r], v))) {
                                selection[kept++] = r;
                            }
                        }
                        return kept;
                    }
                    // one loop per operator, branch-free: a row is written always and kept by advancing the cursor.
                    // NaN values sort above everything (Double.compare), so they pass > and >= and fail < and <=
                    switch (operator) {
                        case ">" -> {
                            for (int k = 0; k < n; k++) {
                                int r = selection[k];
                                double x = doubles[r];
                                selection[kept] = r;
                                kept += (x > v || x != x) ? 1 : 0;
                            }
                        }
                        case ">=" -> {
                            for (int k = 0; k < n; k++) {
                                int r = selection[k];
                                double x = doubles[r];
                                selection[kept] = r;
                                kept += (x >= v || x != x) ? 1 : 0;
                            }
                        }
                        case "<" -> {
                            for (int k = 0; k < n; k++) {
                                int r = selection[k];
                                selection[kept] = r;
                                kept += doubles[r] < v ? 1 : 0;
                            }
                        }
                        case "<=" -> {
                            for (int k = 0; k < n; k++) {
                                int r = selection[k];
                                selection[kept] = r;
                                kept += doubles[r] <= v ? 1 : 0;
                            }
                        }
                        case "=" -> {
                            for (int k = 0; k < n; k++) {
                                int r = selection[k];
                                selection[kept] = r;
                                kept += doubles[r] == v ? 1 : 0;
                            }
                        }
                        default -> {
                            for (int k = 0; k < n; k++) {
                                int r = selection[k];
                                selection[kept] = r;
                                kept += doubles[r] != v ? 1 : 0;
                            }
                        }
                    }
                } else if (values instanceof long[] longs && value instanceof Long number) {
                    long v = number;
                    for (int k = 0; k < n; k++) {
                        int r = selection[k];
                        if (holds(operator, Long.compare(longs[r], v))) {
                            selection[kept++] = r;
                        }
                    }
                } else {
                    for (int k = 0; k < n; k++) {
                        int r = selection[k];
                        if (holds(operator, Values.compare(Table.ColumnBatch.valueAt(values, r), value))) {
                            selection[kept++] = r;
                        }
                    }
                }
                return kept;
            }
        }

        private PreparedQuery(SelectStatement statement, Table table) throws SqlException {
            this.statement = statement;
            this.table = table;
            this.columnsRead = new boolean[table.columns().size()];
            for (int i = 0; i < table.columns().size(); i++) {
                String name = table.columns().get(i).toLowerCase(Locale.ROOT);
                columnIndex.put(name, i);
                if (statement.join() == null) {
                    columnIndex.put(statement.tableAlias().toLowerCase(Locale.ROOT) + "." + name, i);
                } else if (columnIndex.putIfAbsent(name.substring(name.indexOf('.') + 1), i) != null) {
                    ambiguousColumns.add(name.substring(name.indexOf('.') + 1));
                }
            }
            ambiguousColumns.forEach(columnIndex::remove);
            for (SelectStatement.SelectItem item : statement.items()) {
                if (item.expr() instanceof Expr.Star) {
                    for (String column : table.columns()) {
                        // a join's columns keep their qualified names, so that both sides' "device" stay apart
                        items.add(new SelectStatement.SelectItem(new Expr.Column(column, item.expr().position()),
                                statement.join() != null ? column : null));
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
            int keys = statement.orderBy().size();
            orderColumns = statement.aggregates() ? null : new int[keys];
            orderOutputs = new int[keys];
            orderDescending = new boolean[keys];
            for (int o = 0; o < keys; o++) {
                SelectStatement.OrderItem item = statement.orderBy().get(o);
                int index = outputIndex(item.expr());
                orderOutputs[o] = index;
                orderDescending[o] = item.descending();
                if (orderColumns != null) {
                    if (items.get(index).expr() instanceof Expr.Column column) {
                        orderColumns[o] = column(column);
                    } else {
                        orderColumns = null;
                    }
                }
                if (o == 0 && !statement.aggregates() && items.get(index).expr() instanceof Expr.Column column) {
                    firstOrderColumn = column(column);
                }
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
                groupLabels.add(groupKey(e));
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
                        // over a rollup's partials a row stands for many: count(*) adds up their row counts
                        int rows = table instanceof RollupTable rollup && rollup.isPartials()
                                ? table.columns().indexOf(RollupTable.ROWS) : -1;
                        aggInputs[i] = rows < 0 ? row -> Boolean.TRUE : row -> row[rows];
                    } else {
                        aggInputs[i] = compile(arg);
                    }
                } else {
                    int slot = groupLabels.indexOf(groupKey(e));
                    if (slot < 0) {
                        throw new SqlException("'" + e.label() + "' must appear in GROUP BY or be inside an aggregate", e.position());
                    }
                    groupSlot[i] = slot;
                }
            }
            planVectorAggregation();
        }

        /**
         * What makes an output column the same as a GROUP BY key: a column by the table column it resolves to (so
         * {@code device} and {@code r.device} agree, and {@code r.device} and {@code d.device} do not), anything else by
         * its text.
         */
        private String groupKey(Expr e) throws SqlException {
            return e instanceof Expr.Column column ? "#" + column(column) : e.label().toLowerCase(Locale.ROOT);
        }

        /** Fills aggColumn/groupColumn/groupBucket when every aggregate argument and group key is a column or a time bucket of one. */
        private void planVectorAggregation() throws SqlException {
            int n = items.size();
            int[] aggs = new int[n];
            for (int i = 0; i < n; i++) {
                aggs[i] = -1;
                if (groupSlot[i] < 0) {
                    Expr arg = ((Expr.Call) items.get(i).expr()).args().get(0);
                    if (arg instanceof Expr.Column column) {
                        aggs[i] = column(column);
                    } else if (!(arg instanceof Expr.Star)) {
                        return;
                    }
                }
            }
            List<Expr> keys = statement.groupBy();
            int[] groups = new int[keys.size()];
            long[] buckets = new long[keys.size()];
            for (int g = 0; g < keys.size(); g++) {
                Expr e = keys.get(g);
                if (e instanceof Expr.Column column) {
                    groups[g] = column(column);
                } else if (e instanceof Expr.Call call && call.function().equals("time_bucket") && call.args().size() == 2
                        && call.args().get(1) instanceof Expr.Column column) {
                    groups[g] = column(column);
                    buckets[g] = widthMs(call.args().get(0));
                } else {
                    return;
                }
            }
            aggColumn = aggs;
            groupColumn = groups;
            groupBucket = buckets;
        }

        private void narrow(long from, long to) {
            fromMs = Math.max(fromMs, from);
            toMs = Math.min(toMs, to);
        }

        private int column(Expr.Column column) throws SqlException {
            Integer index = columnIndex.get(column.name().toLowerCase(Locale.ROOT));
            if (index == null && ambiguousColumns.contains(column.name().toLowerCase(Locale.ROOT))) {
                throw new SqlException("column '" + column.name() + "' is in both tables: write "
                        + statement.tableAlias() + "." + column.name()
                        + " or " + statement.join().alias() + "." + column.name(), column.position());
            }
            if (index == null) {
                throw new SqlException("unknown column '" + column.name() + "' in table " + statement.table()
                        + "; columns: " + table.columns(), column.position());
            }
            columnsRead[index] = true;
            return index;
        }

        /** The scan this query asks of its table: series, time range, columns read and block-level predicates. */
        private Table.ScanRequest scanRequest() {
            List<Table.ColumnPredicate> predicates = new ArrayList<>();
            for (Filter filter : filters) {
                predicates.add(new Table.ColumnPredicate(filter.column(), filter.operator(), filter.value()));
            }
            return new Table.ScanRequest(series, fromMs, toMs, columnsRead, predicates);
        }

        /**
         * About how many rows the scan will read (before the row filters), from statistics alone: block statistics of
         * sealed partitions and RocksDB's estimates for recent rows; -1 when the table keeps none.
         */
        public long estimatedRows() {
            return table.estimateRows(scanRequest());
        }

        /** The stream's statistics when the table is its rows and some were gathered; else null. */
        private TableStatistics tableStatistics() {
            StatisticsCatalog catalog = statistics;
            return catalog != null && table instanceof RawTable ? catalog.of(table.stream()) : null;
        }

        /**
         * About how many rows will pass the filters: the rows of the series and time range times each filter's selectivity from column
         * statistics (histograms for ranges over numbers, 1/distinct for equality; filters taken as independent). The
         * time range and a series seek narrowed the scan estimate already, so their filters are not counted twice.
         * -1 when no statistics are known.
         */
        public long estimatedMatchedRows() {
            TableStatistics stats = tableStatistics();
            if (stats == null) {
                return -1;
            }
            // the rows of the series and time range before any predicate: block skipping by the predicates would
            // count their selectivity once more
            long rows = table.estimateRows(new Table.ScanRequest(series, fromMs, toMs, columnsRead, List.of()));
            if (rows < 0) {
                return -1;
            }
            double selectivity = 1;
            for (Filter filter : filters) {
                String name = table.columns().get(filter.column());
                if (name.equals(table.timeColumn())
                        || (series != null && filter.operator().equals("=") && table.keyColumns().contains(name))) {
                    continue;
                }
                ColumnStatistics column = stats.column(name);
                selectivity *= column != null ? column.selectivity(filter.operator(), filter.value())
                        : filter.operator().equals("=") ? 0.1 : 1.0 / 3;
            }
            return Math.round(rows * selectivity);
        }

        /**
         * About how many groups an aggregate makes: the product of its keys' distinct values (a time bucket: the buckets
         * the time range spans, from the column's min and max), at most the matched rows; 1 without GROUP BY; -1 unknown.
         */
        public long estimatedGroups() {
            return estimatedGroups(estimatedMatchedRows());
        }

        /** As {@link #estimatedGroups()}, at most {@code matched} (-1: no bound). */
        private long estimatedGroups(long matched) {
            TableStatistics stats = tableStatistics();
            if (!statement.aggregates() || stats == null) {
                return -1;
            }
            double groups = 1;
            for (Expr e : statement.groupBy()) {
                if (e instanceof Expr.Column column) {
                    ColumnStatistics c = stats.column(RollupShape.bare(column));
                    if (c == null || c.distinct() <= 0) {
                        return -1;
                    }
                    groups *= c.distinct();
                } else if (e instanceof Expr.Call call && call.function().equals("time_bucket")
                        && call.args().get(1) instanceof Expr.Column column) {
                    ColumnStatistics c = stats.column(RollupShape.bare(column));
                    if (c == null || !(c.min() instanceof Number low) || !(c.max() instanceof Number high)) {
                        return -1;
                    }
                    try {
                        long width = widthMs(call.args().get(0));
                        long from = Math.max(fromMs, low.longValue());
                        long to = Math.min(toMs, high.longValue() + 1);
                        groups *= Math.max(1, Math.floorDiv(to - 1, width) - Math.floorDiv(from, width) + 1);
                    } catch (SqlException ex) {
                        return -1;
                    }
                } else {
                    return -1;
                }
            }
            return matched < 0 ? Math.round(groups) : Math.min(Math.round(groups), Math.max(matched, 1));
        }

        /** A description of how the query will run, for EXPLAIN-style diagnostics and tests. */
        public String plan() {
            return plan(estimatedRows(), estimatedMatchedRows());
        }

        /** The plan with the row estimates already made (each asks storage, so EXPLAIN ANALYZE makes them once). */
        private String plan(long estimated, long matched) {
            String join = table instanceof JoinTable joined ? joined.describe(series, fromMs, toMs) + "; " : "";
            String rollup = table instanceof RollupTable r && r.isPartials() ? "rollup=" + r.definition().name() + " bucket_ms="
                    + r.definition().widthMs() + " (answers exactly from partials per series and bucket, not rows); " : "";
            return join + rollup + "scan table=" + statement.table() + (estimated >= 0 ? " est_rows=" + estimated : "")
                    + (series != null ? " series=" + series.replace(StreamSchema.SERIES_SEPARATOR, '|') + " (one seek)" : " all-series")
                    + " time=[" + (fromMs == Long.MIN_VALUE ? "-inf" : fromMs) + "," + (toMs == Long.MAX_VALUE ? "+inf" : toMs) + ")"
                    + " filters=" + filters.size() + estimate(" est_matched=", matched) + sealedPlan()
                    + (statement.aggregates() ? " hash-aggregate" + estimate(" est_groups=", estimatedGroups(matched)) : "")
                    + (statement.orderBy().isEmpty() ? "" : " sort")
                    + (statement.limit() == Long.MAX_VALUE ? "" : " limit=" + statement.limit());
        }

        private static String estimate(String label, long value) {
            return value < 0 ? "" : label + value;
        }

        private String sealedPlan() {
            int sealed = table instanceof RawTable raw ? raw.sealedPartitions(fromMs, toMs) : 0;
            if (sealed == 0) {
                return "";
            }
            return " sealed=" + sealed + " partition" + (sealed == 1 ? "" : "s") + " (column blocks, vectorized"
                    + (statement.aggregates() && aggColumn == null ? " scan, row-at-a-time aggregate" : "") + ") + recent rows";
        }

        /**
         * True for a lookup: one series (equality on every key column: one seek) or a time range of at most
         * {@code maxRangeMs}. The query router sends lookups to nodes kept free of heavy scans.
         */
        public boolean isLookup(long maxRangeMs) {
            return series != null || (fromMs != Long.MIN_VALUE && toMs != Long.MAX_VALUE && toMs - fromMs <= maxRangeMs);
        }

        public List<String> columnNames() {
            return items.stream().map(SelectStatement.SelectItem::name).toList();
        }

        /** Runs the query; rows go to {@code sink} as they are ready. */
        public void run(RowSink sink) throws SqlException, IOException {
            long start = System.nanoTime();
            // a child of whatever is current: the HTTP request's traceparent, or a synthetic probe's own trace
            Span span = Tracing.global().tracer().spanBuilder("query")
                    .setAttribute(QUERY_TEXT, cacheKey.length() > 200 ? cacheKey.substring(0, 200) : cacheKey)
                    .setAttribute(QUERY_TABLE, statement.table()).startSpan();
            try (Scope ignored = span.makeCurrent()) {
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
                        ColumnarSegment.ScanStats blocks = lastScan == null ? ColumnarSegment.ScanStats.NONE : lastScan.stats;
                        sink.columns(List.of("plan", "rows_matched_estimated", "rows_estimated", "rows_scanned", "rows_matched",
                                "rows_returned", "elapsed_ms",
                                "blocks_read", "blocks_skipped", "bytes_read", "bytes_skipped"));
                        long estimated = estimatedRows();
                        long matched = estimatedMatchedRows();
                        sink.row(new Object[] {plan(estimated, matched), matched, estimated, rowsScanned, rowsMatched, returned[0],
                                (System.nanoTime() - start) / 1e6,
                                (long) blocks.blocksRead(), (long) blocks.blocksSkipped(), blocks.bytesRead(), blocks.bytesSkipped()});
                    }
                    default -> runCached(sink, start);
                }
            } catch (SqlException | IOException | RuntimeException e) {
                span.setStatus(StatusCode.ERROR, e.getMessage() == null ? e.toString() : e.getMessage());
                throw e;
            } finally {
                span.setAttribute(ROWS_SCANNED, rowsScanned);
                span.end();
                metrics.recordNanos(Stage.QUERY, System.nanoTime() - start);
            }
        }

        private void runCached(RowSink sink, long start) throws SqlException, IOException {
            if (cache == null) {
                sink.columns(columnNames());
                execute(sink, start);
                return;
            }
            // the version is read before running: a commit during the run leaves the stored entry already stale
            // versions only grow, so their sum changes whenever any stream the query reads does
            long version = 0;
            for (String stream : table.streams()) {
                version += cache.version(stream);
            }
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

        private interface MatchingBatch {
            /**
             * Rows {@code selection[0..n)} of the block passed the filters.
             *
             * @return false to stop the scan
             */
            boolean accept(Table.ColumnBatch batch, int[] selection, int n) throws SqlException, IOException;
        }

        /** Scans the planned range, hands each row that passes the filters to {@code visitor}, enforces the deadline. */
        private void scanMatching(long deadline, MatchingRow visitor) throws SqlException, IOException {
            scanMatching(deadline, visitor, null);
        }

        /**
         * As {@link #scanMatching(long, MatchingRow)}, with column blocks of sealed partitions going to {@code batches}
         * after the filters narrowed them (or, when batches is null, row by row to {@code visitor}).
         */
        private void scanMatching(long deadline, MatchingRow visitor, MatchingBatch batches) throws SqlException, IOException {
            long[] seen = {0};
            Exception[] error = {null};
            Table.ScanRequest request = scanRequest();
            lastScan = request;
            int[][] selection = {new int[0]};
            // a table may refuse a scan over a limit (a join's build side): the query stops with its reason
            try {
                table.scan(request, batch -> {
                    try {
                        if (System.nanoTime() > deadline) {
                            throw timedOut();
                        }
                        rowsScanned += batch.rows();
                        if (selection[0].length < batch.rows()) {
                            selection[0] = new int[batch.rows()];
                        }
                        int[] chosen = selection[0];
                        int n = batch.rows();
                        for (int i = 0; i < n; i++) {
                            chosen[i] = i;
                        }
                        for (int f = 0; f < filters.size() && n > 0; f++) {
                            n = filters.get(f).refine(batch.columns()[filters.get(f).column()], chosen, n);
                        }
                        rowsMatched += n;
                        if (batches != null) {
                            return batches.accept(batch, chosen, n);
                        }
                        for (int k = 0; k < n; k++) {
                            if (!visitor.accept(Table.ColumnBatch.row(batch, chosen[k]))) {
                                return false;
                            }
                        }
                        return true;
                    } catch (SqlException | IOException e) {
                        error[0] = e;
                        return false;
                    }
                }, row -> {
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
            } catch (Table.ScanRefusedException e) {
                throw new SqlException(e.getMessage(), 1);
            }
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
                throw timedOut();
            }
        }

        private SqlException timedOut() {
            return new SqlException("query timed out after " + limits.timeoutMs() + " ms: narrow the time range or add a series filter", 1);
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
            MatchingRow offer = row -> {
                Ranked candidate = new Ranked(project(row), position[0]++);
                if (kept.size() < limit) {
                    kept.add(candidate);
                } else if (best.compare(candidate, kept.peek()) < 0) {
                    kept.poll();
                    kept.add(candidate);
                }
                return true;
            };
            // a block's row whose first sort key is already worse than the worst kept row is dropped before it is built,
            // and once LIMIT rows are kept, blocks whose min/max cannot beat the worst are not even decoded
            MatchingBatch prefiltered = firstOrderColumn < 0 ? null : (batch, selection, n) -> {
                Object keys = batch.columns()[firstOrderColumn];
                for (int k = 0; k < n; k++) {
                    if (keys != null && kept.size() == limit) {
                        k = firstContender(keys, selection, k, n, kept.peek().row()[orderOutputs[0]]);
                        if (k == n) {
                            break;
                        }
                        // a row no better than the worst kept, all keys compared, loses: it comes later in the scan
                        if (orderColumns != null && !beats(batch.columns(), selection[k], kept.peek().row())) {
                            continue;
                        }
                    }
                    offer.accept(Table.ColumnBatch.row(batch, selection[k]));
                    if (kept.size() == limit && kept.peek().row()[orderOutputs[0]] != null) {
                        // with one ORDER BY key a row equal to the worst kept cannot win (it comes later): strictly better only
                        boolean strict = statement.orderBy().size() == 1;
                        lastScan.dynamicBound = new Table.ColumnPredicate(firstOrderColumn,
                                orderDescending[0] ? (strict ? ">" : ">=") : (strict ? "<" : "<="), kept.peek().row()[orderOutputs[0]]);
                    }
                }
                return true;
            };
            scanMatching(deadline, offer, prefiltered);
            List<Ranked> winners = new ArrayList<>(kept);
            winners.sort(best);
            for (Ranked winner : winners) {
                if (!sink.row(winner.row())) {
                    return;
                }
            }
        }

        /**
         * The first position from {@code k} whose row's first sort key is not worse than {@code worst} (ties are
         * contenders: later keys decide), or {@code n}. Tight loops over the primitive column where it has one.
         */
        private int firstContender(Object keys, int[] selection, int k, int n, Object worst) {
            if (keys instanceof double[] doubles && worst instanceof Number number) {
                double bound = number.doubleValue();
                if (orderDescending[0]) {
                    while (k < n && Double.compare(doubles[selection[k]], bound) < 0) {
                        k++;
                    }
                } else {
                    while (k < n && Double.compare(doubles[selection[k]], bound) > 0) {
                        k++;
                    }
                }
                return k;
            }
            while (k < n) {
                int c = compareAt(keys, selection[k], worst);
                if (orderDescending[0] ? c >= 0 : c <= 0) {
                    return k;
                }
                k++;
            }
            return n;
        }

        /** True when block row {@code r} sorts strictly before {@code kept} (an output row) by every ORDER BY key. */
        private boolean beats(Object[] columns, int r, Object[] kept) {
            for (int o = 0; o < orderColumns.length; o++) {
                Object values = columns[orderColumns[o]];
                int c = values == null ? Values.compare(null, kept[orderOutputs[o]]) : compareAt(values, r, kept[orderOutputs[o]]);
                if (c != 0) {
                    return orderDescending[o] ? c > 0 : c < 0;
                }
            }
            return false;
        }

        /** {@code values[r]} against {@code other} as {@link Values#compare} would compare them, without boxing. */
        private static int compareAt(Object values, int r, Object other) {
            if (other == null) {
                return 1;
            }
            if (values instanceof double[] doubles && other instanceof Number number) {
                return Double.compare(doubles[r], number.doubleValue());
            }
            if (values instanceof long[] longs && other instanceof Long number) {
                return Long.compare(longs[r], number);
            }
            return Values.compare(Table.ColumnBatch.valueAt(values, r), other);
        }

        /**
         * Folds the selected rows of a block into their groups: consecutive rows of one group (sealed rows are in
         * series then time order, so runs are long) are looked up once and added in one tight loop per aggregate.
         */
        private boolean aggregateBatch(Map<List<Object>, Accumulator[]> groups, Table.ColumnBatch batch, int[] selection,
                int n) throws SqlException {
            Object[] columns = batch.columns();
            int k = 0;
            while (k < n) {
                int from = k;
                Accumulator[] accs = group(groups, groupKey(columns, selection[from]));
                if (groupColumn.length == 0) {
                    k = n - 1; // one group: the whole block is one run (the loop below steps k to n)
                }
                for (k++; k < n && sameGroup(columns, selection[from], selection[k]); k++) {
                    // extend the run
                }
                for (int i = 0; i < accs.length; i++) {
                    if (accs[i] != null) {
                        if (aggColumn[i] < 0) {
                            accs[i].addCount(k - from);
                        } else {
                            accs[i].addColumn(columns[aggColumn[i]], selection, from, k);
                        }
                    }
                }
            }
            return true;
        }

        private List<Object> groupKey(Object[] columns, int r) {
            Object[] key = new Object[groupColumn.length];
            for (int g = 0; g < key.length; g++) {
                Object v = Table.ColumnBatch.valueAt(columns[groupColumn[g]], r);
                if (groupBucket[g] > 0) {
                    // as time_bucket on the row path: numbers bucket by their long value, anything else has no bucket
                    v = v instanceof Number number ? Math.floorDiv(number.longValue(), groupBucket[g]) * groupBucket[g] : null;
                }
                key[g] = v;
            }
            return Arrays.asList(key);
        }

        private boolean sameGroup(Object[] columns, int a, int b) {
            for (int g = 0; g < groupColumn.length; g++) {
                Object values = columns[groupColumn[g]];
                long width = groupBucket[g];
                boolean same;
                if (values == null) {
                    same = true;
                } else if (values instanceof long[] longs) {
                    same = width > 0 ? Math.floorDiv(longs[a], width) == Math.floorDiv(longs[b], width) : longs[a] == longs[b];
                } else if (values instanceof double[] doubles) {
                    same = width > 0 ? Math.floorDiv((long) doubles[a], width) == Math.floorDiv((long) doubles[b], width)
                            : Double.compare(doubles[a], doubles[b]) == 0;
                } else {
                    String[] strings = (String[]) values;
                    // dictionary-decoded: equal values of one block are usually the same instance
                    same = width > 0 || strings[a] == strings[b] || strings[a].equals(strings[b]);
                }
                if (!same) {
                    return false;
                }
            }
            return true;
        }

        private Accumulator[] group(Map<List<Object>, Accumulator[]> groups, List<Object> groupKey) throws SqlException {
            Accumulator[] accs = groups.get(groupKey);
            if (accs == null) {
                if (groups.size() >= limits.maxMaterializedRows()) {
                    throw new SqlException("query has more than " + limits.maxMaterializedRows()
                            + " groups: group by fewer or coarser keys", 1);
                }
                int n = items.size();
                accs = new Accumulator[n];
                for (int i = 0; i < n; i++) {
                    if (groupSlot[i] < 0) {
                        accs[i] = new Accumulator(aggFunctions[i]);
                    }
                }
                groups.put(groupKey, accs);
            }
            return accs;
        }

        private void runAggregate(RowSink sink, long deadline) throws SqlException, IOException {
            int n = items.size();
            // sized for the groups statistics expect, so a large GROUP BY does not rehash its way up
            // bounded by the stream's rows from the statistics: no storage estimate on the query's own path
            TableStatistics stats = tableStatistics();
            long expected = stats == null ? -1 : estimatedGroups(stats.rows());
            int capacity = expected < 0 ? 16 : (int) Math.min(1 << 16, Math.max(16, expected * 4 / 3 + 1));
            Map<List<Object>, Accumulator[]> groups = new LinkedHashMap<>(capacity);
            MatchingBatch vectorized = aggColumn == null ? null : (batch, selection, count) ->
                    aggregateBatch(groups, batch, selection, count);
            scanMatching(deadline, row -> {
                Object[] key = new Object[groupFns.size()];
                for (int g = 0; g < key.length; g++) {
                    key[g] = groupFns.get(g).apply(row);
                }
                Accumulator[] accs = group(groups, Arrays.asList(key));
                for (int i = 0; i < n; i++) {
                    if (accs[i] != null) {
                        accs[i].add(aggInputs[i].apply(row));
                    }
                }
                return true;
            }, vectorized);
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
                if (items.get(i).name().toLowerCase(Locale.ROOT).equals(label)
                        || items.get(i).expr().label().toLowerCase(Locale.ROOT).equals(label)) {
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
    }

    /** The width of a time_bucket: a positive number of milliseconds or a string like '10s', '5m', '1h', '1d'. */
    static long widthMs(Expr e) throws SqlException {
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
            if (value instanceof RollupPartial.Slice slice) {
                merge(slice);
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

        /** Folds a rollup's partial in: the same result as adding each of the rows it summarises. */
        private void merge(RollupPartial.Slice slice) {
            if (slice.count() == 0) {
                return;
            }
            count += slice.count();
            switch (function) {
                case "sum", "avg" -> {
                    if (slice.fractional() || fractional) {
                        if (!fractional) {
                            fractional = true;
                            doubleSum = longSum;
                        }
                        doubleSum += slice.fractional() ? slice.doubleSum() : slice.longSum();
                    } else {
                        longSum += slice.longSum();
                    }
                }
                case "min" -> offer(slice.min(), -1);
                case "max" -> offer(slice.max(), 1);
                default -> { }
            }
        }

        /** count(*) over {@code rows} rows. */
        void addCount(int rows) {
            count += rows;
        }

        /**
         * Adds {@code values[selection[from..to)]}, a block column; the same result as {@link #add} of each value
         * (sums of doubles may differ in the last bits: a run is summed first, then added).
         */
        void addColumn(Object values, int[] selection, int from, int to) {
            if (values == null || from == to) {
                return;
            }
            if (values instanceof double[] doubles) {
                addDoubles(doubles, selection, from, to);
            } else if (values instanceof long[] longs) {
                addLongs(longs, selection, from, to);
            } else {
                for (int k = from; k < to; k++) {
                    add(((String[]) values)[selection[k]]);
                }
            }
        }

        private void addDoubles(double[] values, int[] selection, int from, int to) {
            count += to - from;
            switch (function) {
                case "sum", "avg" -> {
                    double sum = 0;
                    for (int k = from; k < to; k++) {
                        sum += values[selection[k]];
                    }
                    if (!fractional) {
                        fractional = true;
                        doubleSum = longSum;
                    }
                    doubleSum += sum;
                }
                case "min", "max" -> {
                    int sign = function.equals("min") ? -1 : 1;
                    double best = values[selection[from]];
                    for (int k = from + 1; k < to; k++) {
                        double v = values[selection[k]];
                        if (Double.compare(v, best) * sign > 0) {
                            best = v;
                        }
                    }
                    offer(best, sign);
                }
                default -> { }
            }
        }

        private void addLongs(long[] values, int[] selection, int from, int to) {
            count += to - from;
            switch (function) {
                case "sum", "avg" -> {
                    if (fractional) {
                        double sum = 0;
                        for (int k = from; k < to; k++) {
                            sum += values[selection[k]];
                        }
                        doubleSum += sum;
                    } else {
                        long sum = 0;
                        for (int k = from; k < to; k++) {
                            sum += values[selection[k]];
                        }
                        longSum += sum;
                    }
                }
                case "min", "max" -> {
                    int sign = function.equals("min") ? -1 : 1;
                    long best = values[selection[from]];
                    for (int k = from + 1; k < to; k++) {
                        long v = values[selection[k]];
                        if (Long.compare(v, best) * sign > 0) {
                            best = v;
                        }
                    }
                    offer(best, sign);
                }
                default -> { }
            }
        }

        private void offer(Object candidate, int sign) {
            if (extreme == null || Values.compare(candidate, extreme) * sign > 0) {
                extreme = candidate;
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
