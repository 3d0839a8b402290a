package io.platform.query.stats;

import io.platform.storage.SealedPartition;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.columnar.ColumnarSegment;
import io.platform.storage.tiering.SegmentTier;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import io.platform.wire.schema.WireRecordDecoder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/**
 * Keeps each stream's {@link TableStatistics} up to date as data lands, off the query path: a sealed partition is
 * read once, whole (it never changes), and its sketches kept; the rows not yet sealed are sampled again when the
 * stream has changed, at most every {@code refreshMs}. The planner reads whatever was gathered last and never waits.
 * Thread-safe.
 */
public final class StatisticsCatalog implements AutoCloseable {
    // recent rows read per refresh, and decoded of them (every k-th): bounds what one refresh costs
    private static final int RECENT_VISIT_LIMIT = 2_000_000;
    private static final int RECENT_SAMPLE = 20_000;

    private final TimeSeriesStore store;
    private final SegmentTier segments;
    private final SchemaCatalog catalog;
    private final long refreshMs;
    private final Map<String, TableStatistics> latest = new ConcurrentHashMap<>();
    private final Map<String, Long> changes = new ConcurrentHashMap<>();
    private final Map<String, Long> gatheredAtChange = new ConcurrentHashMap<>();
    private final Map<String, Boolean> pending = new ConcurrentHashMap<>();
    // per sealed partition (stream/fromMs/file): its sketches by column and its row count; partitions never change
    private final Map<String, Map<String, ColumnSketch>> sealedSketches = new ConcurrentHashMap<>();
    private final ExecutorService gatherer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "statistics-gatherer");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });

    /** @param segments the sealed tier, or null when nothing is sealed */
    public StatisticsCatalog(TimeSeriesStore store, SegmentTier segments, SchemaCatalog catalog, long refreshMs) {
        this.store = store;
        this.segments = segments;
        this.catalog = catalog;
        this.refreshMs = refreshMs;
    }

    /** Notes that data of these streams landed (a storage commit listener): their statistics are due a refresh. */
    public void changed(Collection<String> streams) {
        for (String stream : streams) {
            changes.merge(stream, 1L, Long::sum);
        }
    }

    /**
     * The stream's latest statistics, or null before the first gathering; starts a refresh in the background when the
     * stream changed since and the last one is older than the refresh interval. Never blocks.
     */
    public TableStatistics of(String stream) {
        TableStatistics known = latest.get(stream);
        long change = changes.getOrDefault(stream, 0L);
        boolean stale = known == null || (change != gatheredAtChange.getOrDefault(stream, -1L)
                && System.currentTimeMillis() - known.gatheredAtMs() >= refreshMs);
        if (stale && catalog.latest(stream) != null && pending.putIfAbsent(stream, Boolean.TRUE) == null) {
            gatherer.submit(() -> {
                try {
                    refresh(stream);
                } finally {
                    pending.remove(stream);
                }
            });
        }
        return known;
    }

    /** Gathers the stream's statistics now, on the calling thread, and keeps them. */
    public TableStatistics refresh(String stream) {
        StreamSchema schema = catalog.latest(stream);
        if (schema == null) {
            return null;
        }
        long change = changes.getOrDefault(stream, 0L);
        List<String> columns = schema.schema().getFields().stream().map(Schema.Field::name).toList();
        Map<String, List<ColumnSketch>> sketches = new LinkedHashMap<>();
        Map<String, List<Long>> weights = new LinkedHashMap<>();
        columns.forEach(c -> {
            sketches.put(c, new ArrayList<>());
            weights.put(c, new ArrayList<>());
        });
        long sealedRows = 0;
        long sealedUntil = Long.MIN_VALUE;
        try (TimeSeriesStore.ReadView view = store.readView()) {
            List<String> live = new ArrayList<>();
            if (segments != null) {
                for (SealedPartition partition : view.sealed(stream, Long.MIN_VALUE, Long.MAX_VALUE)) {
                    String key = stream + "/" + partition.fromMs() + "/" + partition.file();
                    live.add(key);
                    Map<String, ColumnSketch> partitionSketches =
                            sealedSketches.computeIfAbsent(key, k -> sketchSealed(partition, columns));
                    for (Map.Entry<String, ColumnSketch> entry : partitionSketches.entrySet()) {
                        if (sketches.containsKey(entry.getKey())) {
                            sketches.get(entry.getKey()).add(entry.getValue());
                            weights.get(entry.getKey()).add(entry.getValue().values);
                        }
                    }
                    sealedRows += partition.rows();
                    sealedUntil = Math.max(sealedUntil, partition.toMs());
                }
            }
            sealedSketches.keySet().removeIf(k -> k.startsWith(stream + "/") && !live.contains(k));
            long[] sampled = {0};
            long recentRows = sketchRecent(view, stream, columns, sketches, weights, sampled);
            Map<String, ColumnStatistics> byColumn = new HashMap<>();
            for (String column : columns) {
                byColumn.put(column.toLowerCase(Locale.ROOT), ColumnStatistics.of(column, sketches.get(column), weights.get(column)));
            }
            TableStatistics statistics = new TableStatistics(stream, sealedRows + recentRows, sealedRows, sampled[0], Map.copyOf(byColumn),
                    System.currentTimeMillis());
            latest.put(stream, statistics);
            gatheredAtChange.put(stream, change);
            return statistics;
        }
    }

    private Map<String, ColumnSketch> sketchSealed(SealedPartition partition, List<String> columns) {
        ColumnarSegment segment = segments.segment(partition);
        List<String> wanted = new ArrayList<>();
        for (String column : columns) {
            if (segment.columns().contains(column)) {
                wanted.add(column);
            }
        }
        Map<String, ColumnSketch> sketches = new LinkedHashMap<>();
        wanted.forEach(c -> sketches.put(c, new ColumnSketch(partition.fromMs() ^ c.hashCode())));
        segment.scan(Long.MIN_VALUE, Long.MAX_VALUE, wanted, block -> {
            for (String column : wanted) {
                ColumnSketch sketch = sketches.get(column);
                long[] longs = block.longs().get(column);
                double[] doubles = block.doubles().get(column);
                String[] strings = block.strings().get(column);
                for (int r = 0; longs != null && r < block.rows(); r++) {
                    sketch.addLong(longs[r]);
                }
                for (int r = 0; doubles != null && r < block.rows(); r++) {
                    sketch.addDouble(doubles[r]);
                }
                for (int r = 0; strings != null && r < block.rows(); r++) {
                    sketch.addString(strings[r]);
                }
            }
        });
        return sketches;
    }

    /**
     * Samples the rows not yet sealed (every k-th, k from RocksDB's estimate of their number) into one sketch per
     * column, weighted to stand for all of them; returns how many rows they are (estimated when not all were read).
     */
    private long sketchRecent(TimeSeriesStore.ReadView view, String stream, List<String> columns, Map<String, List<ColumnSketch>> sketches,
                              Map<String, List<Long>> weights, long[] sampled) {
        long estimated = Math.max(1, store.estimateRawRows(stream, null, Long.MIN_VALUE, Long.MAX_VALUE));
        long stride = Math.max(1, estimated / RECENT_SAMPLE);
        Map<String, ColumnSketch> recent = new LinkedHashMap<>();
        columns.forEach(c -> recent.put(c, new ColumnSketch(c.hashCode())));
        long[] visited = {0};
        // a decoder per refresh: refreshes run on the gatherer and on callers' threads, and a decoder is not thread-safe
        WireRecordDecoder records = new WireRecordDecoder(catalog);
        view.scanRaw(stream, null, Long.MIN_VALUE, Long.MAX_VALUE, (series, timeMs, value) -> {
            if (visited[0]++ % stride == 0) {
                GenericRecord record = records.decode(value);
                if (record != null) {
                    sampled[0]++;
                    for (String column : columns) {
                        Schema.Field field = record.getSchema().getField(column);
                        add(recent.get(column), field == null ? null : record.get(field.pos()));
                    }
                }
            }
            return visited[0] < RECENT_VISIT_LIMIT;
        });
        long rows = visited[0] < RECENT_VISIT_LIMIT ? visited[0] : Math.max(visited[0], estimated);
        if (sampled[0] > 0) {
            double scale = rows / (double) sampled[0];
            for (String column : columns) {
                ColumnSketch sketch = recent.get(column);
                sketches.get(column).add(sketch);
                weights.get(column).add(Math.round(sketch.values * scale));
            }
        }
        return rows;
    }

    /** A decoded Avro value into the sketch, as the engine normalises it (int as long, float as double, text as String). */
    private static void add(ColumnSketch sketch, Object value) {
        if (value instanceof Long || value instanceof Integer) {
            sketch.addLong(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            sketch.addDouble(((Number) value).doubleValue());
        } else if (value instanceof Utf8 || value instanceof CharSequence || value instanceof GenericEnumSymbol<?>) {
            sketch.addString(value.toString());
        }
    }

    @Override
    public void close() {
        gatherer.shutdownNow();
    }
}
