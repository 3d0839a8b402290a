package io.platform.deploy.processing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.platform.ingest.schema.SchemaRegistry;
import io.platform.query.exec.QueryEngine;
import io.platform.query.sql.SqlException;
import io.platform.processing.jobs.JobContext;
import io.platform.processing.jobs.SqlJob;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * {@code CREATE MATERIALIZED VIEW <name> AS SELECT ...} and {@code DROP MATERIALIZED VIEW <name>}, sent as queries.
 * Two kinds, told apart by the query's dialect: a query in the platform's SQL that groups one stream by its series keys
 * and a {@code time_bucket} is a <em>rollup</em>, kept by storage in the same write as the rows and used by the query
 * planner wherever it answers a query exactly ({@link QueryEngine#createRollup}); any other query is Flink SQL and the
 * view a stream of its own, maintained incrementally by a submitted SQL job ({@code view-<name>}): creating one
 * plans the query, derives the stream's Avro schema from its result columns (the first timestamp column is the time
 * field, the string columns the series key), registers it and submits {@code INSERT INTO <name> <query>}. The view is
 * then queried like any stream, rows arriving as the job's windows close; dropping it stops the job and keeps the rows.
 */
public final class MaterializedViews {
    static final Pattern CREATE = Pattern.compile(
            "(?is)^\\s*CREATE\\s+MATERIALIZED\\s+VIEW\\s+([A-Za-z_][A-Za-z0-9_]*)\\s+AS\\s+(.+?)\\s*;?\\s*$");
    static final Pattern DROP = Pattern.compile("(?is)^\\s*DROP\\s+MATERIALIZED\\s+VIEW\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*;?\\s*$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SubmittedJobs jobs;
    private final SchemaRegistry registry;
    private final SchemaCatalog catalog;
    private final String bootstrapServers;
    private final ProcessingConfig config;
    private final QueryEngine queries;
    private static final Pattern ROLLUP = Pattern.compile("(?is).*\\btime_bucket\\s*\\(.*");

    MaterializedViews(SubmittedJobs jobs, SchemaRegistry registry, SchemaCatalog catalog, String bootstrapServers, ProcessingConfig config,
                      QueryEngine queries) {
        this.queries = queries;
        this.jobs = jobs;
        this.registry = registry;
        this.catalog = catalog;
        this.bootstrapServers = bootstrapServers;
        this.config = config;
    }

    /** The job that maintains view {@code name}. */
    static String jobOf(String name) {
        return "view-" + name;
    }

    /**
     * Creates the view a {@code CREATE MATERIALIZED VIEW} statement describes.
     *
     * @return a JSON line: the view, its stream's time field, series key and columns, and its job
     * @throws IllegalArgumentException why not: a taken name, a query that does not plan, a column a stream cannot hold
     */
    public String create(String statement) throws Exception {
        Matcher create = CREATE.matcher(statement);
        if (!create.matches()) {
            throw new IllegalArgumentException("use CREATE MATERIALIZED VIEW <name> AS SELECT ...");
        }
        String name = create.group(1);
        String select = create.group(2);
        if (ROLLUP.matcher(select).matches()) {
            try {
                return queries.createRollup(name, select);
            } catch (SqlException e) {
                throw new IllegalArgumentException(e.getMessage() + " (at character " + e.position() + " of the SELECT)", e);
            }
        }
        if (registry == null) {
            throw new IllegalArgumentException("this node does not register schemas (node.role without ingest): create the view on a node "
                    + "that does");
        }
        if (catalog.streams().contains(name)) {
            throw new IllegalArgumentException("'" + name + "' names a stream already: pick another name for the view");
        }
        if (queries.tables().containsKey(name)) {
            // a rollup or a stream's window view: queries would no longer know which one the name means
            throw new IllegalArgumentException("'" + name + "' names a view already: pick another name, or DROP MATERIALIZED VIEW "
                    + name + " first");
        }
        JobContext planning = new JobContext(StreamExecutionEnvironment.getExecutionEnvironment(), jobOf(name), bootstrapServers, catalog,
                config.outOfOrderness(), config.idleness());
        List<SqlJob.Column> columns = SqlJob.columnsOf(planning, select);
        String schema = schemaOf(name, columns);
        StreamSchema registered = registry.register(name, schema, null, null);
        String insert = "INSERT INTO `" + name + "` " + select;
        try {
            jobs.submit(jobOf(name), new SubmittedJobs.Definition(insert, null, null), null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stream '" + name + "' was registered for the view, but its job was refused: "
                    + e.getMessage()
                    + "; fix the cause and submit it with: platform job submit " + jobOf(name) + " --sql <file holding "
                    + insert.replaceAll("\\s+", " ") + ">", e);
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("view", name);
        answer.put("job", jobOf(name));
        answer.put("timeField", registered.timeField());
        answer.putPOJO("keyFields", registered.keyFields());
        ArrayNode names = answer.putArray("columns");
        columns.forEach(c -> names.add(c.name() + " " + c.type().asSummaryString()));
        return answer.toString();
    }

    /** Stops the job of the view a {@code DROP MATERIALIZED VIEW} statement names; its rows stay queryable as a stream. */
    public String drop(String statement) throws Exception {
        Matcher drop = DROP.matcher(statement);
        if (!drop.matches()) {
            throw new IllegalArgumentException("use DROP MATERIALIZED VIEW <name>");
        }
        String name = drop.group(1);
        if (queries.dropRollup(name)) {
            return JSON.createObjectNode().put("view", name).put("dropped", true).put("kind", "rollup").toString();
        }
        if (!jobs.has(jobOf(name))) {
            throw new IllegalArgumentException("no materialized view named '" + name + "' is maintained (no job " + jobOf(name) + ")");
        }
        jobs.cancel(jobOf(name));
        return JSON.createObjectNode().put("view", name).put("dropped", true)
                .put("rows", "kept: SELECT ... FROM " + name + " still answers").toString();
    }

    /**
     * The Avro record schema of a view's stream: one field per result column (BIGINT → long, INT and smaller → int,
     * DOUBLE and DECIMAL → double, FLOAT → float, BOOLEAN → boolean, CHAR/VARCHAR → string, timestamps → long with
     * {@code timestamp-millis}); nullable columns as {@code ["null", T]} with default null.
     *
     * @throws IllegalArgumentException naming the column, when a type has no stream form, or when no column is a timestamp
     */
    static String schemaOf(String name, List<SqlJob.Column> columns) {
        ObjectNode record = JSON.createObjectNode();
        record.put("type", "record");
        record.put("name", name);
        record.put("namespace", "platform.views");
        ArrayNode fields = record.putArray("fields");
        boolean hasTime = false;
        for (SqlJob.Column column : columns) {
            ObjectNode type = JSON.createObjectNode();
            LogicalType logical = column.type();
            switch (logical.getTypeRoot()) {
                case BIGINT -> type.put("type", "long");
                case INTEGER, SMALLINT, TINYINT -> type.put("type", "int");
                case DOUBLE, DECIMAL -> type.put("type", "double");
                case FLOAT -> type.put("type", "float");
                case BOOLEAN -> type.put("type", "boolean");
                case CHAR, VARCHAR -> type.put("type", "string");
                case TIMESTAMP_WITHOUT_TIME_ZONE, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> {
                    type.put("type", "long");
                    type.put("logicalType", "timestamp-millis");
                    hasTime = true;
                }
                default -> throw new IllegalArgumentException("column '" + column.name() + "' is " + logical.asSummaryString()
                        + ", which a view cannot store: cast it to a number, string or timestamp");
            }
            ObjectNode field = fields.addObject();
            field.put("name", column.name());
            if (logical.isNullable()) {
                field.putArray("type").add("null").add(type);
                field.putNull("default");
            } else {
                field.set("type", type);
            }
        }
        if (!hasTime) {
            throw new IllegalArgumentException("a materialized view needs a time column: select window_start (or window_end) of a window"
                    + " (e.g. FROM TABLE(TUMBLE(TABLE <stream>, DESCRIPTOR(event_time), INTERVAL '1' MINUTE)))");
        }
        return record.toString();
    }
}
