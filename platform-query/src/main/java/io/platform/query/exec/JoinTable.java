package io.platform.query.exec;

import io.platform.query.sql.Expr;
import io.platform.query.sql.SelectStatement;
import io.platform.query.sql.SqlException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two tables joined on equal key columns ({@code FROM readings r JOIN devices d ON r.device = d.device}), by hash
 * join: one side is read whole into a hash table keyed by its join columns (the build side), the other is scanned and
 * each of its rows looks up its matches (the probe side), so the join costs one pass over each table and memory for
 * the build side only. Columns are the left table's, then the right's, each qualified by its table's alias
 * ({@code r.device}); the query's time range and series key apply to the left table, which is where they are pushed
 * down.
 *
 * <p>The build side is chosen by estimated rows (the table statistics behind {@code EXPLAIN}'s {@code est_rows}):
 * the smaller side builds, since the hash table is what must fit in memory and a probe costs one lookup per row. A
 * {@code LEFT JOIN} always builds the right side, so that every left row is seen exactly once and kept with nulls when
 * nothing matches. A build side of more than {@link QueryLimits#maxMaterializedRows()} rows stops the query with an
 * error instead of exhausting the heap.
 */
final class JoinTable implements Table {
    private final Table left;
    private final Table right;
    private final String leftAlias;
    private final String rightAlias;
    private final boolean leftOuter;
    private final int[] leftKeys;
    private final int[] rightKeys;
    private final String condition;
    private final int maxBuildRows;
    private final List<String> columns = new ArrayList<>();

    private JoinTable(Table left, String leftAlias, Table right, String rightAlias, boolean leftOuter, int[] leftKeys,
                      int[] rightKeys, String condition, int maxBuildRows) {
        this.left = left;
        this.right = right;
        this.leftAlias = leftAlias;
        this.rightAlias = rightAlias;
        this.leftOuter = leftOuter;
        this.leftKeys = leftKeys;
        this.rightKeys = rightKeys;
        this.condition = condition;
        this.maxBuildRows = maxBuildRows;
        left.columns().forEach(c -> columns.add(leftAlias + "." + c));
        right.columns().forEach(c -> columns.add(rightAlias + "." + c));
    }

    /** Resolves the ON clause's columns to a side each; errors name the column and its position. */
    static JoinTable plan(Table left, String leftAlias, Table right, SelectStatement.Join join, int maxBuildRows) throws SqlException {
        if (leftAlias.equalsIgnoreCase(join.alias())) {
            throw new SqlException("both tables are called '" + leftAlias + "': give one an alias, e.g. JOIN " + join.table() + " AS other",
                    join.position());
        }
        int n = join.on().size();
        int[] leftKeys = new int[n];
        int[] rightKeys = new int[n];
        StringBuilder condition = new StringBuilder();
        for (int i = 0; i < n; i++) {
            SelectStatement.KeyPair pair = join.on().get(i);
            int[] first = side(pair.first(), left, leftAlias, right, join.alias());
            int[] second = side(pair.second(), left, leftAlias, right, join.alias());
            if (first[0] == second[0]) {
                throw new SqlException("ON must compare a column of " + leftAlias + " with a column of " + join.alias()
                        + "; both of '" + pair.first().name() + " = " + pair.second().name() + "' are of "
                        + (first[0] == 0 ? leftAlias : join.alias()), pair.first().position());
            }
            leftKeys[i] = first[0] == 0 ? first[1] : second[1];
            rightKeys[i] = first[0] == 0 ? second[1] : first[1];
            condition.append(i > 0 ? " AND " : "").append(leftAlias).append('.').append(left.columns().get(leftKeys[i]))
                    .append(" = ").append(join.alias()).append('.').append(right.columns().get(rightKeys[i]));
        }
        return new JoinTable(left, leftAlias, right, join.alias(), join.leftOuter(), leftKeys, rightKeys,
                condition.toString(), maxBuildRows);
    }

    /** {side (0 left, 1 right), column index} of an ON column, qualified or not. */
    private static int[] side(Expr.Column column, Table left, String leftAlias, Table right, String rightAlias) throws SqlException {
        String name = column.name();
        int dot = name.indexOf('.');
        if (dot >= 0) {
            String qualifier = name.substring(0, dot);
            String bare = name.substring(dot + 1);
            if (qualifier.equalsIgnoreCase(leftAlias) || qualifier.equalsIgnoreCase(rightAlias)) {
                boolean isLeft = qualifier.equalsIgnoreCase(leftAlias);
                int index = indexOf(isLeft ? left : right, bare);
                if (index < 0) {
                    throw new SqlException("unknown column '" + bare + "' in " + qualifier + "; columns: "
                            + (isLeft ? left : right).columns(),
                            column.position());
                }
                return new int[] {isLeft ? 0 : 1, index};
            }
            throw new SqlException("unknown table '" + qualifier + "' in '" + name + "': the tables are "
                    + leftAlias + " and " + rightAlias,
                    column.position());
        }
        int inLeft = indexOf(left, name);
        int inRight = indexOf(right, name);
        if (inLeft >= 0 && inRight >= 0) {
            throw new SqlException("column '" + name + "' is in both tables: write " + leftAlias + "." + name + " or "
                    + rightAlias + "." + name,
                    column.position());
        }
        if (inLeft < 0 && inRight < 0) {
            throw new SqlException("unknown column '" + name + "' in " + leftAlias + " and " + rightAlias, column.position());
        }
        return inLeft >= 0 ? new int[] {0, inLeft} : new int[] {1, inRight};
    }

    private static int indexOf(Table table, String column) {
        for (int i = 0; i < table.columns().size(); i++) {
            if (table.columns().get(i).equalsIgnoreCase(column)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String stream() {
        return left.stream();
    }

    @Override
    public List<String> streams() {
        List<String> both = new ArrayList<>(left.streams());
        both.addAll(right.streams());
        return both;
    }

    @Override
    public List<String> columns() {
        return columns;
    }

    @Override
    public String timeColumn() {
        return leftAlias + "." + left.timeColumn();
    }

    @Override
    public List<String> keyColumns() {
        return left.keyColumns().stream().map(k -> leftAlias + "." + k).toList();
    }

    /** True when the left side builds: an inner join whose left side is estimated smaller than its right. */
    private boolean buildsLeft(String series, long fromMs, long toMs) {
        // a LEFT JOIN builds its right side whatever the sizes: no estimate needed
        return !leftOuter && buildsLeft(estimate(left, series, fromMs, toMs), estimate(right, null, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    /** The rule of {@link #buildsLeft(String, long, long)} on estimates already made (-1: unknown). */
    private boolean buildsLeft(long leftRows, long rightRows) {
        return !leftOuter && leftRows >= 0 && rightRows >= 0 && leftRows < rightRows;
    }

    private static long estimate(Table table, String series, long fromMs, long toMs) {
        return table.estimateRows(new ScanRequest(series, fromMs, toMs, new boolean[table.columns().size()], List.of()));
    }

    /** The join as EXPLAIN shows it: kind, condition, which side builds and each side's estimated rows. */
    String describe(String series, long fromMs, long toMs) {
        long leftRows = estimate(left, series, fromMs, toMs);
        long rightRows = estimate(right, null, Long.MIN_VALUE, Long.MAX_VALUE);
        boolean buildLeft = buildsLeft(leftRows, rightRows);
        String l = leftAlias + (leftRows >= 0 ? " est_rows=" + leftRows : "");
        String r = rightAlias + (rightRows >= 0 ? " est_rows=" + rightRows : "");
        return "hash-join " + (leftOuter ? "left" : "inner") + " on " + condition + " build=" + (buildLeft ? l : r)
                + " probe=" + (buildLeft ? r : l);
    }

    @Override
    public void scan(String series, long fromMs, long toMs, RowVisitor visitor) {
        boolean[] everyColumn = new boolean[columns.size()];
        Arrays.fill(everyColumn, true);
        scan(new ScanRequest(series, fromMs, toMs, everyColumn, List.of()), null, visitor);
    }

    /**
     * Joined rows go to {@code rows}, and joined column blocks to {@code batches} where a lookup table is probed by
     * sealed blocks ({@link BatchJoin}). Each side is scanned whole, sealed
     * partitions included, reading the columns the query reads plus its join keys, and skipping blocks by the
     * predicates on its own columns. That is safe for a LEFT JOIN's right side too: a right row that fails a WHERE
     * predicate can only yield joined rows that fail it, and a left row left without matches gets nulls, which fail
     * every predicate as well.
     */
    @Override
    public void scan(ScanRequest request, BatchVisitor batches, RowVisitor rows) {
        int leftWidth = left.columns().size();
        int rightWidth = right.columns().size();
        ScanRequest leftScan = sideRequest(request, 0, leftWidth, leftKeys, request.series, request.fromMs, request.toMs);
        ScanRequest rightScan = sideRequest(request, leftWidth, rightWidth, rightKeys, null, Long.MIN_VALUE, Long.MAX_VALUE);
        try {
            if (buildsLeft(request.series, request.fromMs, request.toMs)) {
                Map<Object, List<Object[]>> built = build(left, leftScan, leftKeys);
                scanRows(right, rightScan, row -> {
                    List<Object[]> matches = built.get(key(row, rightKeys));
                    if (matches != null) {
                        for (Object[] match : matches) {
                            if (!rows.visit(joined(match, row, leftWidth, rightWidth))) {
                                return false;
                            }
                        }
                    }
                    return true;
                });
                return;
            }
            Map<Object, List<Object[]>> built = build(right, rightScan, rightKeys);
            RowVisitor probe = row -> {
                List<Object[]> matches = built.get(key(row, leftKeys));
                if (matches == null) {
                    return !leftOuter || rows.visit(joined(row, null, leftWidth, rightWidth));
                }
                for (Object[] match : matches) {
                    if (!rows.visit(joined(row, match, leftWidth, rightWidth))) {
                        return false;
                    }
                }
                return true;
            };
            if (batches != null && !leftOuter && leftKeys.length == 1 && uniqueKeys(built)) {
                // a lookup table (one row per key) probed by column blocks: joined blocks go on vectorized
                BatchJoin join = new BatchJoin(built, request.columnsRead, leftWidth, rightWidth);
                left.scan(leftScan, batch -> {
                    ColumnBatch joined = join.probe(batch);
                    if (joined != null) {
                        return batches.visit(joined);
                    }
                    for (int r = 0; r < batch.rows(); r++) {
                        if (!probe.visit(ColumnBatch.row(batch, r))) {
                            return false;
                        }
                    }
                    return true;
                }, probe);
                return;
            }
            scanRows(left, leftScan, probe);
        } finally {
            request.stats = request.stats.plus(leftScan.stats).plus(rightScan.stats);
            request.sealedPartitions += leftScan.sealedPartitions + rightScan.sealedPartitions;
        }
    }

    private static boolean uniqueKeys(Map<Object, List<Object[]>> built) {
        for (List<Object[]> matches : built.values()) {
            if (matches.size() != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Probes column blocks against a build side with one row per key: each block row finds its match by one hash
     * lookup, the left columns of the matched rows are kept as they are (the block's own arrays when every row
     * matched), and each right column read becomes a primitive array gathered from the matches, so the engine's
     * vectorized filters and aggregates run over the joined block.
     */
    private final class BatchJoin {
        private final Map<Object, List<Object[]>> built;
        private final boolean[] columnsRead;
        private final int leftWidth;
        private final int rightWidth;
        private int[] matched = new int[0];
        private Object[][] matches = new Object[0][];

        BatchJoin(Map<Object, List<Object[]>> built, boolean[] columnsRead, int leftWidth, int rightWidth) {
            this.built = built;
            this.columnsRead = columnsRead;
            this.leftWidth = leftWidth;
            this.rightWidth = rightWidth;
        }

        /** The joined block, or null when a right value read is null or not a number or text (the row path takes it). */
        ColumnBatch probe(ColumnBatch batch) {
            int rows = batch.rows();
            if (matched.length < rows) {
                matched = new int[rows];
                matches = new Object[rows][];
            }
            Object keys = batch.columns()[leftKeys[0]];
            int n = 0;
            for (int r = 0; r < rows; r++) {
                List<Object[]> match = built.get(keyValue(ColumnBatch.valueAt(keys, r)));
                if (match != null) {
                    matched[n] = r;
                    matches[n++] = match.get(0);
                }
            }
            Object[] columns = new Object[leftWidth + rightWidth];
            for (int c = 0; c < leftWidth; c++) {
                columns[c] = n == rows ? batch.columns()[c] : gather(batch.columns()[c], n);
            }
            for (int c = 0; c < rightWidth; c++) {
                if (columnsRead[leftWidth + c]) {
                    Object values = rightColumn(c, n);
                    if (values == null) {
                        return null;
                    }
                    columns[leftWidth + c] = values;
                }
            }
            return new ColumnBatch(n, columns);
        }

        private Object gather(Object values, int n) {
            if (values instanceof long[] longs) {
                long[] out = new long[n];
                for (int k = 0; k < n; k++) {
                    out[k] = longs[matched[k]];
                }
                return out;
            }
            if (values instanceof double[] doubles) {
                double[] out = new double[n];
                for (int k = 0; k < n; k++) {
                    out[k] = doubles[matched[k]];
                }
                return out;
            }
            if (values instanceof String[] strings) {
                String[] out = new String[n];
                for (int k = 0; k < n; k++) {
                    out[k] = strings[matched[k]];
                }
                return out;
            }
            return null;
        }

        private Object rightColumn(int c, int n) {
            if (n == 0) {
                return new String[0];
            }
            Object first = matches[0][c];
            if (first instanceof Long) {
                long[] out = new long[n];
                for (int k = 0; k < n; k++) {
                    if (!(matches[k][c] instanceof Long v)) {
                        return null;
                    }
                    out[k] = v;
                }
                return out;
            }
            if (first instanceof Double) {
                double[] out = new double[n];
                for (int k = 0; k < n; k++) {
                    if (!(matches[k][c] instanceof Double v)) {
                        return null;
                    }
                    out[k] = v;
                }
                return out;
            }
            if (first instanceof String) {
                String[] out = new String[n];
                for (int k = 0; k < n; k++) {
                    if (!(matches[k][c] instanceof String v)) {
                        return null;
                    }
                    out[k] = v;
                }
                return out;
            }
            return null;
        }
    }

    /** One side's share of the join's scan: its columns read (and its keys), and the predicates on its columns. */
    private static ScanRequest sideRequest(ScanRequest joined, int offset, int width, int[] keys, String series, long fromMs, long toMs) {
        boolean[] read = Arrays.copyOfRange(joined.columnsRead, offset, offset + width);
        for (int key : keys) {
            read[key] = true;
        }
        List<ColumnPredicate> predicates = new ArrayList<>();
        for (ColumnPredicate p : joined.predicates) {
            if (p.column() >= offset && p.column() < offset + width) {
                predicates.add(new ColumnPredicate(p.column() - offset, p.operator(), p.value()));
            }
        }
        return new ScanRequest(series, fromMs, toMs, read, predicates);
    }

    /** Every row of a side, sealed column blocks turned into rows. */
    private static void scanRows(Table side, ScanRequest request, RowVisitor visitor) {
        side.scan(request, batch -> {
            for (int r = 0; r < batch.rows(); r++) {
                if (!visitor.visit(ColumnBatch.row(batch, r))) {
                    return false;
                }
            }
            return true;
        }, visitor);
    }

    private Map<Object, List<Object[]>> build(Table side, ScanRequest request, int[] keys) {
        Map<Object, List<Object[]>> built = new HashMap<>();
        int[] rows = {0};
        scanRows(side, request, row -> {
            Object key = key(row, keys);
            if (key == null) {
                return true; // a null key matches nothing
            }
            if (++rows[0] > maxBuildRows) {
                throw new ScanRefusedException("the join needs more than " + maxBuildRows + " rows of " + side.stream()
                        + " in memory: filter that table or join it the other way round");
            }
            built.computeIfAbsent(key, k -> new ArrayList<>(1)).add(row);
            return true;
        });
        return built;
    }

    private static Object[] joined(Object[] leftRow, Object[] rightRow, int leftWidth, int rightWidth) {
        Object[] out = Arrays.copyOf(leftRow, leftWidth + rightWidth);
        if (rightRow != null) {
            System.arraycopy(rightRow, 0, out, leftWidth, rightWidth);
        }
        return out;
    }

    /** The join key of a row: one value, or a list for several columns; null when any part is null. */
    private static Object key(Object[] row, int[] columns) {
        if (columns.length == 1) {
            return keyValue(row[columns[0]]);
        }
        Object[] parts = new Object[columns.length];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = keyValue(row[columns[i]]);
            if (parts[i] == null) {
                return null;
            }
        }
        return Arrays.asList(parts);
    }

    /** Numbers equal as SQL compares them hash alike: a whole double becomes a long (3.0 joins 3). */
    private static Object keyValue(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
            return d.longValue();
        }
        if (value instanceof Float || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            Number number = (Number) value;
            return value instanceof Float ? keyValue(number.doubleValue()) : (Object) number.longValue();
        }
        return value instanceof CharSequence text && !(value instanceof String) ? text.toString() : value;
    }
}
