package io.platform.bench;

import io.platform.deploy.demo.SensorEvents;
import io.platform.ingest.gateway.AvroCodec;
import io.platform.query.exec.QueryEngine;
import io.platform.query.exec.QueryLimits;
import io.platform.query.exec.ResultCache;
import io.platform.query.exec.RowSink;
import io.platform.storage.LsmStats;
import io.platform.storage.SealedPartition;
import io.platform.storage.StorageOptions;
import io.platform.storage.StoreBatch;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.rollup.Rollups;
import io.platform.storage.tiering.PartitionSealer;
import io.platform.storage.tiering.SegmentTier;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * {@code platform bench query}: the platform's query engine against DuckDB (in this JVM over JDBC, one thread) on the
 * same generated time series, per query shape: filtered scan with sum/avg, GROUP BY series and hour, top-N and point
 * lookup. The platform answers twice: from the warm tier (RocksDB rows, decoded per row), then after every hour is
 * sealed into column segments (vectorized over column blocks), and once more where an hourly rollup (a materialized
 * view storage keeps exact) answers the shape in place of the rows; DuckDB from its own in-memory columnar table.
 * Each shape runs {@code warmups} times unmeasured (the row path once: it is not waiting for the JIT), then
 * {@code repeats} times (point lookups 100 times as many both ways); the result cache is
 * invalidated before every run, so nothing is served from it.
 */
public final class QueryBench {
    private static final String STREAM = "sensors";

    /** One query shape in each engine's dialect (they differ only where a function is spelled differently). */
    private record Shape(String name, String platformSql, String duckDbSql, boolean point) {
    }

    /** The platform reading RocksDB rows, sealed column segments, those decoded in memory, an hourly rollup; DuckDB. */
    private static final String[] ENGINES = {"platform rows", "sealed, decoding", "sealed, hot tier", "hourly rollup", "DuckDB"};
    private static final int ROLLUP = 3;
    private static final int DUCKDB = 4;
    /** The reference table of the join shape: each sample site and its region. */
    private static final String[] SITE_REGIONS = {"north", "cold", "south", "warm", "east", "warm", "west", "cold"};
    private static final Schema SITE_SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"Site","fields":[{"name":"site","type":"string"},{"name":"ts","type":"long"},
             {"name":"region","type":"string"}]}""");
    private static final StreamSchema SITES = StreamSchema.define("sites", 1, 101, SITE_SCHEMA, "ts", List.of("site"));

    /** A site's row in the wire format, encoded as the gateway encodes events. */
    private static byte[] site(String site, long ts, String region) {
        GenericRecord record = new GenericData.Record(SITE_SCHEMA);
        record.put("site", site);
        record.put("ts", ts);
        record.put("region", region);
        return new AvroCodec().encode(SITES, record);
    }
    private final PrintStream out;

    public QueryBench(PrintStream out) {
        this.out = out;
    }

    private void measure(QueryEngine engine, ResultCache cache, List<Shape> shapes, int warmups, int repeats, int slot,
                         List<Histogram[]> latencies, List<long[]> resultRows) throws Exception {
        for (int s = 0; s < shapes.size(); s++) {
            Shape shape = shapes.get(s);
            if (slot == ROLLUP && !engine.prepare(shape.platformSql()).plan().startsWith("rollup=")) {
                continue; // the rollup does not answer it: the hot tier's figure stands
            }
            long[] count = {0};
            RowSink sink = new RowSink() {
                @Override
                public void columns(List<String> names) {
                }

                @Override
                public boolean row(Object[] values) {
                    count[0]++;
                    return true;
                }
            };
            Histogram histogram = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
            int runs = shape.point() ? repeats * 100 : repeats;
            int unmeasured = shape.point() ? warmups * 100 : warmups;
            for (int i = -unmeasured; i < runs; i++) {
                cache.invalidate(STREAM);
                count[0] = 0;
                long t0 = System.nanoTime();
                engine.execute(shape.platformSql(), sink);
                if (i >= 0) {
                    histogram.recordValue(System.nanoTime() - t0);
                }
            }
            latencies.get(s)[slot] = histogram;
            resultRows.get(s)[slot] = count[0];
            out.printf("%-16s %-28s p50 %10.3f ms  (%d rows out)%n", ENGINES[slot], shape.name(), histogram.getValueAtPercentile(50) / 1e6,
                    count[0]);
        }
    }

    /**
     * @param skipRowPath measure only the sealed segments and DuckDB (the row path takes ~40 s a scan at 100 M rows)
     * @param hotBytes memory for the hot tier's decoded column blocks
     */
    public void run(int rows, int series, int warmups, int repeats, Path dir, boolean skipRowPath, long hotBytes) throws Exception {
        Schema avro = new Schema.Parser().parse(SensorEvents.SCHEMA);
        StreamSchema schema = StreamSchema.define(STREAM, 1, 100, avro, null, null);
        SensorEvents events = new SensorEvents(schema.id(), series);
        long base = 1_700_000_000_000L;
        long lookupTs = base + (rows / series / 2) * 1000L;
        String lookupSeries = events.series(7);
        String device = lookupSeries.substring(0, lookupSeries.indexOf('\u001f'));
        String site = lookupSeries.substring(lookupSeries.indexOf('\u001f') + 1);
        long hour = 3_600_000L;
        long sixHoursFrom = (base / hour + 1) * hour;
        String sixHours = "ts >= " + sixHoursFrom + " AND ts < " + (sixHoursFrom + 6 * hour);
        List<Shape> shapes = List.of(
                new Shape("scan + sum/avg (filtered)",
                        "SELECT count(*) AS n, sum(temperature) AS s, avg(humidity) AS h FROM sensors WHERE temperature > 20",
                        "SELECT count(*) AS n, sum(temperature) AS s, avg(humidity) AS h FROM sensors WHERE temperature > 20", false),
                new Shape("GROUP BY series, hour",
                        "SELECT device, site, time_bucket('1h', ts) AS hour, avg(temperature) AS t FROM sensors GROUP BY device, site,"
                                + " time_bucket('1h', ts)",
                        "SELECT device, site, (ts // 3600000) * 3600000 AS hour, avg(temperature) AS t FROM sensors GROUP BY ALL", false),
                // what a dashboard panel asks: aligned on hours, so the hourly rollup answers it exactly
                new Shape("per site, 6 hours (panel)",
                        "SELECT site, count(*) AS n, avg(temperature) AS t FROM sensors WHERE " + sixHours + " GROUP BY site",
                        "SELECT site, count(*) AS n, avg(temperature) AS t FROM sensors WHERE " + sixHours + " GROUP BY site", false),
                new Shape("top-N (10 by temperature)",
                        "SELECT device, site, ts, temperature FROM sensors ORDER BY temperature DESC LIMIT 10",
                        "SELECT device, site, ts, temperature FROM sensors ORDER BY temperature DESC LIMIT 10", false),
                new Shape("point lookup (series, ts)",
                        "SELECT * FROM sensors WHERE device = '" + device + "' AND site = '" + site + "' AND ts = " + lookupTs,
                        "SELECT * FROM sensors WHERE device = '" + device + "' AND site = '" + site + "' AND ts = " + lookupTs, true),
                // a stream against a small reference table: the platform's hash join runs on rows (sealed blocks turned
                // into rows), DuckDB's vectorized
                new Shape("join 4 sites, GROUP BY region",
                        "SELECT d.region, count(*) AS n, avg(s.temperature) AS t FROM sensors s JOIN sites d ON s.site = d.site GROUP BY"
                                + " d.region",
                        "SELECT d.region, count(*) AS n, avg(s.temperature) AS t FROM sensors s JOIN sites d ON s.site = d.site GROUP BY"
                                + " d.region", false));
        out.printf("query bench: %,d rows, %d series, %d unmeasured and %d measured runs per shape (point lookups x100); DuckDB on 1"
                + " thread%n",
                rows, series, warmups, repeats);

        List<Histogram[]> latencies = new ArrayList<>();
        List<long[]> resultRows = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            latencies.add(new Histogram[ENGINES.length]);
            resultRows.add(new long[ENGINES.length]);
        }
        try (TimeSeriesStore store = TimeSeriesStore.open(dir.resolve("platform"), StorageOptions.defaults())) {
            long start = System.nanoTime();
            StorageBench.writeSeries(store, STREAM, events, rows, series, base, 5000);
            out.printf("loaded the warm tier: %.1f s%n", (System.nanoTime() - start) / 1e9);
            SchemaCatalog catalog = SchemaCatalog.detached();
            catalog.apply(schema);
            catalog.apply(SITES);
            try (StoreBatch batch = store.newBatch()) {
                for (int i = 0; i < SITE_REGIONS.length; i += 2) {
                    batch.putRaw("sites", SITE_REGIONS[i], base, 0, i, site(SITE_REGIONS[i], base, SITE_REGIONS[i + 1]));
                }
                store.commit(batch);
            }
            ResultCache cache = new ResultCache(100, 10_000);
            SegmentTier tier = new SegmentTier(dir.resolve("segments"));
            QueryEngine engine = new QueryEngine(store, tier, catalog, "10s", QueryLimits.defaults(), cache);
            if (!skipRowPath) {
                measure(engine, cache, shapes, 1, repeats, 0, latencies, resultRows);
            }
            start = System.nanoTime();
            List<SealedPartition> sealed = new PartitionSealer(store, catalog, tier, 3_600_000L, 0).sealDue(Long.MAX_VALUE / 2);
            double sealSeconds = (System.nanoTime() - start) / 1e9;
            long segmentBytes = 0;
            for (SealedPartition partition : sealed) {
                segmentBytes += Files.size(dir.resolve("segments").resolve(partition.stream()).resolve(partition.file()));
            }
            out.printf("sealed %d one-hour partitions into column segments: %.1f s (%,.0f rows/s), %.1f MB (%.1f bytes/row)%n",
                    sealed.size(), sealSeconds, rows / sealSeconds, segmentBytes / 1e6, segmentBytes / (double) rows);
            // a node seals one partition per stream an hour and compaction folds each seal's range deletes in between;
            // this burst of seals left them in many level-0 files that every seek of the recent-rows scan consults
            LsmStats lsm = store.lsmStats();
            start = System.nanoTime();
            store.compactAll();
            out.printf("compacted the seals' range deletes as a node does between hourly seals: %.1f s (level-0 files before: %d, pending"
                    + " %,d bytes)%n",
                    (System.nanoTime() - start) / 1e9, lsm.level0Files(), lsm.pendingCompactionBytes());
            measure(engine, cache, shapes, warmups, repeats, 1, latencies, resultRows);
            // the same segments with decoded blocks kept in memory: the unmeasured first run of each shape fills it
            SegmentTier hot = new SegmentTier(dir.resolve("segments"), hotBytes);
            measure(new QueryEngine(store, hot, catalog, "10s", QueryLimits.defaults(), cache), cache, shapes, warmups, repeats, 2,
                    latencies, resultRows);
            out.printf("hot tier: %.0f MB of decoded column blocks%n", hot.hot().bytes() / 1e6);
            try (Rollups rollups = Rollups.open(store, hot, catalog)) {
                QueryEngine withRollup = new QueryEngine(store, hot, catalog, "10s", QueryLimits.defaults(), cache).withRollups(rollups);
                start = System.nanoTime();
                withRollup.createRollup("sensors_1h", "SELECT device, site, time_bucket('1h', ts) AS hour, count(*) AS n,"
                        + " avg(temperature) AS t, avg(humidity) AS h FROM sensors GROUP BY device, site, time_bucket('1h', ts)");
                if (!rollups.awaitReady("sensors_1h", TimeUnit.MINUTES.toMillis(30))) {
                    throw new IllegalStateException("the rollup did not fill: " + rollups.state("sensors_1h"));
                }
                double fill = (System.nanoTime() - start) / 1e9;
                out.printf("hourly rollup filled from the sealed rows: %.1f s (%,.0f rows/s)%n", fill, rows / fill);
                measure(withRollup, cache, shapes, warmups, repeats, ROLLUP, latencies, resultRows);
            }
        }

        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = connection.createStatement()) {
            statement.execute("SET threads = 1");
            statement.execute("CREATE TABLE sensors (device VARCHAR, site VARCHAR, ts BIGINT, temperature DOUBLE, humidity DOUBLE)");
            statement.execute("CREATE TABLE sites (site VARCHAR, ts BIGINT, region VARCHAR)");
            for (int i = 0; i < SITE_REGIONS.length; i += 2) {
                statement.execute("INSERT INTO sites VALUES ('" + SITE_REGIONS[i] + "', " + base + ", '" + SITE_REGIONS[i + 1] + "')");
            }
            long start = System.nanoTime();
            try (DuckDBAppender appender = ((DuckDBConnection) connection).createAppender(DuckDBConnection.DEFAULT_SCHEMA, "sensors")) {
                for (int i = 0; i < rows; i++) {
                    String key = events.series(i);
                    int split = key.indexOf('\u001f');
                    appender.beginRow().append(key.substring(0, split)).append(key.substring(split + 1)).append(base + (i / series) * 1000L)
                            .append(events.temperature(i)).append(events.humidity(i)).endRow();
                }
            }
            out.printf("loaded DuckDB: %.1f s%n", (System.nanoTime() - start) / 1e9);
            for (int s = 0; s < shapes.size(); s++) {
                Shape shape = shapes.get(s);
                Histogram histogram = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
                int runs = shape.point() ? repeats * 100 : repeats;
                int unmeasured = shape.point() ? warmups * 100 : warmups;
                long count = 0;
                for (int i = -unmeasured; i < runs; i++) {
                    count = 0;
                    long t0 = System.nanoTime();
                    try (ResultSet result = statement.executeQuery(shape.duckDbSql())) {
                        while (result.next()) {
                            count++;
                        }
                    }
                    if (i >= 0) {
                        histogram.recordValue(System.nanoTime() - t0);
                    }
                }
                latencies.get(s)[DUCKDB] = histogram;
                resultRows.get(s)[DUCKDB] = count;
                out.printf("DuckDB           %-28s p50 %10.3f ms  (%d rows out)%n", shape.name(), histogram.getValueAtPercentile(50) / 1e6,
                        count);
            }
        }

        out.printf("%n%-28s %-16s %12s %12s %18s %10s %16s%n", "shape", "engine", "p50 ms", "p99 ms", "rows/s per core", "rows out",
                "vs DuckDB (p50)");
        for (int s = 0; s < shapes.size(); s++) {
            Histogram duck = latencies.get(s)[DUCKDB];
            for (int e = 0; e < ENGINES.length; e++) {
                Histogram h = latencies.get(s)[e];
                if (h == null) {
                    continue;
                }
                double ratio = h.getValueAtPercentile(50) / (double) duck.getValueAtPercentile(50);
                double perCore = shapes.get(s).point() || e == ROLLUP ? Double.NaN : rows / (h.getValueAtPercentile(50) / 1e9);
                out.printf("%-28s %-16s %12.3f %12.3f %18s %10d %16s%n", shapes.get(s).name(), ENGINES[e],
                        h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                        Double.isNaN(perCore) ? "-" : String.format("%,.0f", perCore), resultRows.get(s)[e],
                        e == DUCKDB ? "" : ratio >= 1 ? String.format("%.1fx slower", ratio) : String.format("%.1fx faster", 1 / ratio));
            }
        }
        out.println("rows/s per core = rows in the table / p50 (both single-threaded); p99 over " + repeats + " runs is their slowest");
    }
}
