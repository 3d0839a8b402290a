package io.platform.processing.jobs;

import io.platform.wire.schema.StreamSchema;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.SqlParserException;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableException;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.types.Row;

/**
 * A job written in Flink SQL: one or more {@code INSERT INTO <stream> SELECT ...} statements over the platform's
 * streams. Every registered stream a statement names is a table with its schema's fields (typed as in
 * {@link StreamRows}) plus {@code event_time}, a {@code TIMESTAMP_LTZ(3)} event-time attribute from the stream's time
 * field, so windows work as in any Flink SQL:
 *
 * <pre>{@code
 * INSERT INTO readings_per_minute
 * SELECT device, window_start AS ts, COUNT(*) AS n, AVG(temperature) AS avg_temperature
 * FROM TABLE(TUMBLE(TABLE readings, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
 * GROUP BY device, window_start, window_end
 * }</pre>
 *
 * The target must be a registered stream; the query's columns fill its fields by name (timestamps become epoch
 * milliseconds). A stream only appends, so a query must append too: an aggregate without a window, which would
 * update its rows, is refused with that reason. Statements are checked and planned when the job is defined, so a
 * mistake is reported to the submitter, not found later in a log. Times are in UTC.
 */
public final class SqlJob {
    private static final Pattern INSERT = Pattern.compile("(?is)^\\s*INSERT\\s+INTO\\s+(`[^`]+`|[A-Za-z_][A-Za-z0-9_.-]*)\\s+(.+)$");
    private static final Pattern IDENTIFIER = Pattern.compile("`([^`]+)`|([A-Za-z_][A-Za-z0-9_]*)");
    /** The event-time column every stream table gets. */
    public static final String EVENT_TIME = "event_time";

    private SqlJob() {
    }

    /**
     * Adds the operators of {@code sql}'s statements to {@code context}.
     *
     * @throws IllegalArgumentException with the reason, when a statement is not an INSERT INTO a registered stream,
     *                                  does not parse or validate, or would update rows
     */
    public static void define(JobContext context, String sql) {
        List<String> statements = statements(sql);
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("the job's SQL is empty: give INSERT INTO <stream> SELECT ... statements");
        }
        StreamTableEnvironment tables = StreamTableEnvironment.create(context.env());
        tables.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        Set<String> registered = new HashSet<>();
        for (String statement : statements) {
            Matcher insert = INSERT.matcher(statement);
            if (!insert.matches()) {
                throw new IllegalArgumentException("a job's statement must be INSERT INTO <stream> SELECT ... "
                        + "(its rows go into that stream), got: " + abbreviate(statement));
            }
            String target = unquote(insert.group(1));
            String query = insert.group(2);
            StreamSchema targetSchema = context.schemaOf(target);
            registerStreams(tables, context, query, registered);
            Table result;
            DataStream<Row> rows;
            try {
                result = tables.sqlQuery(query);
                checkCovers(result.getResolvedSchema().getColumnNames(), targetSchema);
                rows = tables.toDataStream(result);
            } catch (ValidationException | TableException | SqlParserException e) {
                throw new IllegalArgumentException(explain(e, target), e);
            }
            context.toStream(rows, target);
        }
    }

    /** A result column of a query: its name and Flink SQL type. */
    public record Column(String name, LogicalType type) {
    }

    /**
     * Plans {@code select} over the streams it names, without running it, and returns its result columns: how a
     * materialized view's stream schema is derived from its query.
     *
     * @throws IllegalArgumentException with the planner's reason when the query does not parse or validate
     */
    public static List<Column> columnsOf(JobContext context, String select) {
        StreamTableEnvironment tables = tablesFor(context, select);
        try {
            ResolvedSchema schema = tables.sqlQuery(select).getResolvedSchema();
            List<Column> columns = new ArrayList<>();
            // qualified: this class declares its own Column record
            for (org.apache.flink.table.catalog.Column column : schema.getColumns()) {
                columns.add(new Column(column.getName(), column.getDataType().getLogicalType()));
            }
            return columns;
        } catch (ValidationException | TableException | SqlParserException e) {
            throw new IllegalArgumentException(explain(e, "the view"), e);
        }
    }

    /** A table environment in UTC with the streams {@code query} names registered as tables. */
    private static StreamTableEnvironment tablesFor(JobContext context, String query) {
        StreamTableEnvironment tables = StreamTableEnvironment.create(context.env());
        tables.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        registerStreams(tables, context, query, new HashSet<>());
        return tables;
    }

    /** Registers each stream {@code query} names, and {@code registered} lacks, as a table with an {@value #EVENT_TIME} column. */
    private static void registerStreams(StreamTableEnvironment tables, JobContext context, String query, Set<String> registered) {
        for (String stream : referencedStreams(query, context.streams())) {
            if (registered.add(stream)) {
                // qualified: Schema here is Avro's (imported); this one is Flink's table schema
                org.apache.flink.table.api.Schema columns = org.apache.flink.table.api.Schema.newBuilder()
                        .columnByMetadata(EVENT_TIME, DataTypes.TIMESTAMP_LTZ(3), "rowtime")
                        .watermark(EVENT_TIME, "SOURCE_WATERMARK()")
                        .build();
                tables.createTemporaryView("`" + stream + "`", tables.fromDataStream(context.stream(stream), columns));
            }
        }
    }

    /** The statements of {@code sql}, split at semicolons outside quotes, blank ones and {@code --} comments dropped. */
    static List<String> statements(String sql) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote == 0 && c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                while (i < sql.length() && sql.charAt(i) != '\n') {
                    i++;
                }
                current.append('\n');
                continue;
            }
            if (quote == 0 && (c == '\'' || c == '`' || c == '"')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            }
            if (c == ';' && quote == 0) {
                addStatement(statements, current);
            } else {
                current.append(c);
            }
        }
        addStatement(statements, current);
        return statements;
    }

    private static void addStatement(List<String> statements, StringBuilder current) {
        String statement = current.toString().trim();
        if (!statement.isEmpty()) {
            statements.add(statement);
        }
        current.setLength(0);
    }

    /** The registered streams whose names appear as identifiers in {@code query}, in order of appearance. */
    static List<String> referencedStreams(String query, Set<String> streams) {
        List<String> found = new ArrayList<>();
        Matcher identifier = IDENTIFIER.matcher(query.replaceAll("'(?:[^']|'')*'", "''"));
        while (identifier.find()) {
            String name = identifier.group(1) != null ? identifier.group(1) : identifier.group(2);
            if (streams.contains(name) && !found.contains(name)) {
                found.add(name);
            }
        }
        return found;
    }

    /** Refuses a query whose columns leave a required field of the target stream empty. */
    private static void checkCovers(List<String> columns, StreamSchema target) {
        List<String> missing = new ArrayList<>();
        for (Schema.Field field : target.schema().getFields()) {
            boolean nullable = field.schema().getType() == Schema.Type.UNION
                    && field.schema().getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
            if (!columns.contains(field.name()) && !field.hasDefaultValue() && !nullable) {
                missing.add(field.name());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the query's columns " + columns + " leave field(s) " + missing
                    + " of stream '" + target.stream()
                    + "' empty, and its schema gives them no default: name them in the SELECT, e.g. window_start AS " + target.timeField());
        }
    }

    private static String explain(RuntimeException e, String target) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("update changes") || message.contains("UPDATE") && message.contains("changelog")) {
            return "the query updates rows it emitted (e.g. GROUP BY without a window), but stream '" + target + "' only appends:"
                    + " aggregate over a window instead, e.g. FROM TABLE(TUMBLE(TABLE <stream>, DESCRIPTOR(" + EVENT_TIME
                    + "), INTERVAL '1' MINUTE)) GROUP BY ..., window_start, window_end";
        }
        String first = message.lines().findFirst().orElse(message);
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !first.contains(cause.getMessage().lines().findFirst().orElse(""))) {
            first += ": " + cause.getMessage().lines().findFirst().orElse("");
        }
        return "the job's SQL was refused: " + first;
    }

    private static String unquote(String identifier) {
        return identifier.startsWith("`") ? identifier.substring(1, identifier.length() - 1) : identifier;
    }

    private static String abbreviate(String statement) {
        String line = statement.replaceAll("\\s+", " ");
        return line.length() > 80 ? line.substring(0, 77) + "..." : line;
    }
}
