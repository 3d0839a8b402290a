package io.platform.bench;

import io.platform.deploy.demo.SensorEvents;
import io.questdb.cairo.CairoEngine;
import io.questdb.cairo.DefaultCairoConfiguration;
import io.questdb.cairo.TableToken;
import io.questdb.cairo.TableWriter;
import io.questdb.cairo.security.AllowAllSecurityContext;
import io.questdb.cairo.sql.BindVariableService;
import io.questdb.cairo.sql.Record;
import io.questdb.cairo.sql.RecordCursor;
import io.questdb.cairo.sql.RecordCursorFactory;
import io.questdb.griffin.SqlExecutionContext;
import io.questdb.griffin.SqlExecutionContextImpl;
import io.questdb.griffin.engine.functions.bind.BindVariableServiceImpl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * QuestDB embedded (its Cairo engine in this JVM, no server) holding the storage bench's rows as a table: the series
 * as an indexed symbol, the event time as the designated timestamp, the two readings as doubles; partitioned by day,
 * no WAL (the direct {@link TableWriter} path, QuestDB's fastest), committed every batch like the warm tier, without
 * fsync (QuestDB's default commit mode, as the warm tier does not sync per batch either).
 */
final class QuestDbPeer implements AutoCloseable {
    private static final String TABLE = "sensors";

    private final CairoEngine engine;
    private final SqlExecutionContext context;
    private RecordCursorFactory rangeQuery;

    QuestDbPeer(Path dir) throws Exception {
        Files.createDirectories(dir);
        quietLogs(dir);
        DefaultCairoConfiguration configuration = new DefaultCairoConfiguration(dir.toString());
        engine = new CairoEngine(configuration);
        context = new SqlExecutionContextImpl(engine, 1).with(AllowAllSecurityContext.INSTANCE, new BindVariableServiceImpl(configuration));
        engine.execute("CREATE TABLE " + TABLE + " (series SYMBOL INDEX, ts TIMESTAMP, temperature DOUBLE, humidity DOUBLE)"
                + " TIMESTAMP(ts) PARTITION BY DAY BYPASS WAL", context);
    }

    /**
     * QuestDB logs every table open and close at INFO to stdout; errors only, please. Its log factory reads the file the
     * system property {@code out} names, once, when the first QuestDB class logs: so before the engine starts.
     */
    private static void quietLogs(Path dir) throws IOException {
        if (System.getProperty("out") == null) {
            Path config = dir.resolve("log.conf");
            Files.writeString(config, "writers=stdout\nw.stdout.class=io.questdb.log.LogConsoleWriter\nw.stdout.level=ERROR\n");
            System.setProperty("out", config.toString());
        }
    }

    /** Appends the same rows as the warm tier gets, in the same order and batches; rows per second. */
    double ingest(SensorEvents events, int rows, int series, long baseMs, int batchRows) {
        TableToken table = engine.getTableTokenIfExists(TABLE);
        long start = System.nanoTime();
        try (TableWriter writer = engine.getWriter(table, "platform bench storage")) {
            for (int i = 0; i < rows; i++) {
                long tsMs = baseMs + (i / series) * 1000L;
                TableWriter.Row row = writer.newRow(tsMs * 1000);
                row.putSym(0, events.series(i));
                row.putDouble(2, events.temperature(i));
                row.putDouble(3, events.humidity(i));
                row.append();
                if ((i + 1) % batchRows == 0) {
                    writer.commit();
                }
            }
            writer.commit();
        }
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Reads every row of one series in [fromMs, toMs) through SQL; the number of rows read. The statement is compiled
     * once with bind variables and its plan reused, as a server's query cache would, so a read is not charged a parse.
     */
    int readRange(String series, long fromMs, long toMs) throws Exception {
        BindVariableService binds = context.getBindVariableService();
        binds.setStr(0, series);
        binds.setTimestamp(1, fromMs * 1000);
        binds.setTimestamp(2, toMs * 1000);
        if (rangeQuery == null) {
            rangeQuery = engine.select("SELECT ts, temperature, humidity FROM " + TABLE + " WHERE series = $1 AND ts >= $2 AND ts < $3",
                    context);
        }
        int rows = 0;
        try (RecordCursor cursor = rangeQuery.getCursor(context)) {
            Record record = cursor.getRecord();
            double sink = 0;
            while (cursor.hasNext()) {
                sink += record.getDouble(1) + record.getDouble(2) + record.getTimestamp(0);
                rows++;
            }
            if (Double.isNaN(sink)) {
                rows = -rows;
            }
        }
        return rows;
    }

    @Override
    public void close() {
        if (rangeQuery != null) {
            rangeQuery.close();
        }
        context.close();
        engine.close();
    }
}
