package io.platform.query.flight;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.platform.query.exec.AdmissionControl;
import io.platform.query.exec.QueryEngine;
import io.platform.query.exec.RowSink;
import io.platform.query.sql.SqlException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.NoOpFlightSqlProducer;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The query service over Arrow Flight SQL, so that JDBC (Arrow's Flight SQL driver), ADBC and other Flight SQL
 * clients can connect: {@code jdbc:arrow-flight-sql://host:8815/?useEncryption=false}. Statements and prepared
 * statements run on the same {@link QueryEngine} and {@link AdmissionControl} as {@code POST /v1/query}; rows come back
 * as Arrow record batches of {@link #BATCH_ROWS} rows.
 *
 * <p>Flight SQL announces a result's schema before its rows (and Arrow's JDBC driver takes a prepared statement with
 * an empty schema for an update), while the engine learns a column's type from its values. So a query runs when it
 * is planned ({@code GetFlightInfo}, or the prepare of a prepared statement), its rows are held (at most
 * {@code maxRows}, else the query is refused with the reason and the HTTP endpoint, which streams, is the way) and
 * sent when the client asks for them; a prepared statement executed again runs again. A result nobody fetched is
 * dropped after {@link #UNCLAIMED_MS}.
 */
public final class FlightSqlEndpoint extends NoOpFlightSqlProducer implements AutoCloseable {
    static final int BATCH_ROWS = 4096;
    /** Table types as clients list them: a stream's raw events, and its window aggregates (kept by a job). */
    private static final String TABLE = "TABLE";
    private static final String VIEW = "VIEW";
    private static final long UNCLAIMED_MS = TimeUnit.MINUTES.toMillis(1);

    private final QueryEngine engine;
    private final AdmissionControl admission;
    private final int maxRows;
    private final BufferAllocator allocator;
    private final FlightServer server;
    // results run at planning time, waiting for their rows to be fetched, by ticket handle
    private final Map<ByteString, Held> results = new ConcurrentHashMap<>();
    // prepared statements by handle: their SQL
    private final Map<ByteString, String> prepared = new ConcurrentHashMap<>();

    /** A query's answer between planning and fetching. */
    private record Held(Schema schema, List<Object[]> rows, long madeAtMs) {
    }

    private FlightSqlEndpoint(QueryEngine engine, AdmissionControl admission, int maxRows, String host, int port) throws IOException {
        this.engine = engine;
        this.admission = admission;
        this.maxRows = maxRows;
        this.allocator = new RootAllocator();
        try {
            this.server = FlightServer.builder(allocator, Location.forGrpcInsecure(host, port), this).build().start();
        } catch (IOException | RuntimeException e) {
            allocator.close();
            throw e;
        }
    }

    /**
     * Serves Flight SQL on {@code host:port} (0: any free port).
     *
     * @param maxRows the most rows one result may hold while it waits to be fetched
     */
    public static FlightSqlEndpoint start(QueryEngine engine, AdmissionControl admission, int maxRows, String host,
            int port) throws IOException {
        return new FlightSqlEndpoint(engine, admission, maxRows, host, port);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public FlightInfo getFlightInfoStatement(FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        Held held = run(command.getQuery());
        ByteString handle = hold(held);
        return info(held.schema(), descriptor,
                FlightSql.TicketStatementQuery.newBuilder().setStatementHandle(handle).build(), held.rows().size());
    }

    @Override
    public void getStreamStatement(FlightSql.TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
        Held held = results.remove(ticket.getStatementHandle());
        if (held == null) {
            listener.error(CallStatus.NOT_FOUND
                    .withDescription("no result for this ticket: fetch a result once, within a minute of planning it")
                    .toRuntimeException());
            return;
        }
        send(held, listener);
    }

    @Override
    public void createPreparedStatement(FlightSql.ActionCreatePreparedStatementRequest request, CallContext context,
                                        StreamListener<Result> listener) {
        Held held;
        try {
            held = run(request.getQuery());
        } catch (RuntimeException e) {
            listener.onError(e);
            return;
        }
        ByteString handle = hold(held);
        prepared.put(handle, request.getQuery());
        FlightSql.ActionCreatePreparedStatementResult result = FlightSql.ActionCreatePreparedStatementResult.newBuilder()
                .setPreparedStatementHandle(handle)
                .setDatasetSchema(ByteString.copyFrom(held.schema().serializeAsMessage()))
                .build();
        listener.onNext(new Result(Any.pack(result).toByteArray()));
        listener.onCompleted();
    }

    @Override
    public void closePreparedStatement(FlightSql.ActionClosePreparedStatementRequest request, CallContext context,
                                       StreamListener<Result> listener) {
        prepared.remove(request.getPreparedStatementHandle());
        results.remove(request.getPreparedStatementHandle());
        listener.onCompleted();
    }

    @Override
    public FlightInfo getFlightInfoPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
                                                     FlightDescriptor descriptor) {
        ByteString handle = command.getPreparedStatementHandle();
        Held held = preparedResult(handle, false);
        results.put(handle, held);
        return info(held.schema(), descriptor, command, held.rows().size());
    }

    @Override
    public void getStreamPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
                                           ServerStreamListener listener) {
        Held held;
        try {
            held = preparedResult(command.getPreparedStatementHandle(), true);
        } catch (RuntimeException e) {
            listener.error(e);
            return;
        }
        send(held, listener);
    }

    /**
     * The result of a prepared statement: the first execution takes the one its prepare ran (taken for good when
     * {@code take}, else left held for the fetch that follows); each later one runs the query again.
     */
    private Held preparedResult(ByteString handle, boolean take) {
        Held held = take ? results.remove(handle) : results.get(handle);
        if (held != null) {
            return held;
        }
        String sql = prepared.get(handle);
        if (sql == null) {
            throw CallStatus.NOT_FOUND.withDescription("unknown or closed prepared statement").toRuntimeException();
        }
        return run(sql);
    }

    /** What a client fetches: one endpoint whose ticket is {@code command}, served by the matching getStream method. */
    private static FlightInfo info(Schema schema, FlightDescriptor descriptor, Message command, long rows) {
        return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(new Ticket(Any.pack(command).toByteArray()))), -1, rows);
    }

    /** Tables for clients that list them (JDBC's {@code DatabaseMetaData.getTables}): streams as TABLE, aggregates as VIEW. */
    @Override
    public FlightInfo getFlightInfoTables(FlightSql.CommandGetTables request, CallContext context, FlightDescriptor descriptor) {
        if (request.getIncludeSchema()) {
            throw CallStatus.UNIMPLEMENTED.withDescription("table schemas are not listed: a query's result carries its columns and types")
                    .toRuntimeException();
        }
        return info(Schemas.GET_TABLES_SCHEMA_NO_SCHEMA, descriptor, request, -1);
    }

    @Override
    public void getStreamTables(FlightSql.CommandGetTables request, CallContext context, ServerStreamListener listener) {
        Pattern like = request.hasTableNameFilterPattern() ? likePattern(request.getTableNameFilterPattern()) : null;
        List<String> types = request.getTableTypesList();
        List<Object[]> tables = new ArrayList<>();
        engine.tables().forEach((name, aggregate) -> {
            String type = aggregate ? VIEW : TABLE;
            if ((like == null || like.matcher(name).matches()) && (types.isEmpty() || types.contains(type))) {
                tables.add(new Object[] {null, null, name, type}); // no catalogs or schemas
            }
        });
        send(new Held(Schemas.GET_TABLES_SCHEMA_NO_SCHEMA, tables, System.currentTimeMillis()), listener);
    }

    @Override
    public FlightInfo getFlightInfoTableTypes(FlightSql.CommandGetTableTypes request, CallContext context, FlightDescriptor descriptor) {
        return info(Schemas.GET_TABLE_TYPES_SCHEMA, descriptor, request, -1);
    }

    @Override
    public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
        send(new Held(Schemas.GET_TABLE_TYPES_SCHEMA, List.of(new Object[] {TABLE}, new Object[] {VIEW}),
                System.currentTimeMillis()), listener);
    }

    /** SQL LIKE ({@code %} any run, {@code _} one character) as a regular expression. */
    private static Pattern likePattern(String like) {
        StringBuilder regex = new StringBuilder();
        for (char c : like.toCharArray()) {
            regex.append(c == '%' ? ".*" : c == '_' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }

    private ByteString hold(Held held) {
        long now = System.currentTimeMillis();
        results.values().removeIf(h -> now - h.madeAtMs() > UNCLAIMED_MS);
        ByteString handle = ByteString.copyFromUtf8(UUID.randomUUID().toString());
        results.put(handle, held);
        return handle;
    }

    /** Runs {@code sql} under admission control into memory; errors become Flight statuses with the engine's reason. */
    private Held run(String sql) {
        QueryEngine.PreparedQuery query;
        try {
            query = engine.prepare(sql);
        } catch (SqlException e) {
            throw CallStatus.INVALID_ARGUMENT.withDescription(e.getMessage() + " (at character " + e.position() + ")").toRuntimeException();
        }
        AdmissionControl.Permit permit;
        try {
            permit = admission.admit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CallStatus.CANCELLED.withDescription("interrupted while waiting to run").toRuntimeException();
        }
        if (permit == null) {
            throw CallStatus.UNAVAILABLE
                    .withDescription("query service busy: all query slots are taken and the queue is full; retry shortly")
                    .toRuntimeException();
        }
        List<String> names = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>();
        try (permit) {
            query.run(new RowSink() {
                @Override
                public void columns(List<String> columns) {
                    names.addAll(columns);
                }

                @Override
                public boolean row(Object[] values) {
                    if (rows.size() >= maxRows) {
                        throw CallStatus.INVALID_ARGUMENT.withDescription("the result has more than " + maxRows + " rows, which Flight SQL"
                                + " would hold in memory before sending: add a LIMIT or an aggregate, or read it from POST /v1/query,"
                                + " which streams rows").toRuntimeException();
                    }
                    rows.add(values);
                    return true;
                }
            });
        } catch (SqlException e) {
            throw CallStatus.INVALID_ARGUMENT.withDescription(e.getMessage()).toRuntimeException();
        } catch (IOException e) {
            throw CallStatus.INTERNAL.withDescription("reading storage failed: " + e.getMessage()).toRuntimeException();
        }
        return new Held(schemaOf(names, rows), rows, System.currentTimeMillis());
    }

    /**
     * Each column's Arrow type from its values: whole numbers are 64-bit integers, numbers with any fraction in the
     * column doubles, booleans booleans, everything else (and a column of nulls only) UTF-8 text.
     */
    static Schema schemaOf(List<String> names, List<Object[]> rows) {
        List<Field> fields = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            boolean anyLong = false;
            boolean anyDouble = false;
            boolean anyBoolean = false;
            boolean anyOther = false;
            for (Object[] row : rows) {
                Object v = row[c];
                if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                    anyLong = true;
                } else if (v instanceof Number) {
                    anyDouble = true;
                } else if (v instanceof Boolean) {
                    anyBoolean = true;
                } else if (v != null) {
                    anyOther = true;
                }
            }
            ArrowType type;
            if (anyOther || (anyBoolean && (anyLong || anyDouble))) {
                type = ArrowType.Utf8.INSTANCE;
            } else if (anyDouble) {
                type = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            } else if (anyLong) {
                type = new ArrowType.Int(64, true);
            } else if (anyBoolean) {
                type = ArrowType.Bool.INSTANCE;
            } else {
                type = ArrowType.Utf8.INSTANCE;
            }
            fields.add(Field.nullable(names.get(c), type));
        }
        return new Schema(fields);
    }

    /** The held rows as record batches of {@link #BATCH_ROWS}, written column by column into reused vectors. */
    private void send(Held held, ServerStreamListener listener) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(held.schema(), allocator)) {
            listener.start(root);
            List<Object[]> rows = held.rows();
            for (int from = 0; from < rows.size(); from += BATCH_ROWS) {
                int n = Math.min(BATCH_ROWS, rows.size() - from);
                root.allocateNew();
                for (int c = 0; c < root.getFieldVectors().size(); c++) {
                    FieldVector vector = root.getVector(c);
                    for (int r = 0; r < n; r++) {
                        set(vector, r, rows.get(from + r)[c]);
                    }
                    vector.setValueCount(n);
                }
                root.setRowCount(n);
                listener.putNext();
            }
            listener.completed();
        } catch (RuntimeException e) {
            listener.error(CallStatus.INTERNAL.withDescription("sending the result failed: " + e).toRuntimeException());
        }
    }

    private static void set(FieldVector vector, int row, Object value) {
        if (value == null) {
            return; // allocateNew cleared the validity buffer: the slot is null
        }
        if (vector instanceof BigIntVector longs) {
            longs.setSafe(row, ((Number) value).longValue());
        } else if (vector instanceof Float8Vector doubles) {
            doubles.setSafe(row, ((Number) value).doubleValue());
        } else if (vector instanceof BitVector bits) {
            bits.setSafe(row, (Boolean) value ? 1 : 0);
        } else {
            ((VarCharVector) vector).setSafe(row, value.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        server.awaitTermination(5, TimeUnit.SECONDS);
        server.close();
        results.clear();
        allocator.close();
    }
}
