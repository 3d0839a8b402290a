package io.platform.storage.rollup;

import io.platform.storage.SealedPartition;
import io.platform.storage.StoreBatch;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.columnar.ColumnarSegment;
import io.platform.storage.tiering.PartitionSealer;
import io.platform.storage.tiering.SegmentTier;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.WireRecordDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollups of a store, kept exact: every commit that writes raw rows of a rolled-up stream folds them into the
 * rollup's partials in the same atomic write ({@link TimeSeriesStore.CommitHook}), so a rollup never runs ahead of or
 * behind the rows it summarises, late events included, and a crash loses or replays both together.
 *
 * <p>A rollup created over a stream with data is filled in two parts kept under separate keys: the <em>live</em>
 * partials, folded by commits from the instant of creation on, and the <em>base</em> partials, which a background
 * backfill computes from a read view opened at that same instant (no commit runs in between, so every row is counted
 * exactly once). Reads merge the two. Until the backfill has finished the rollup is not {@link #isReady ready}; after a
 * restart an unready rollup starts over. Thread-safe.
 */
public final class Rollups implements TimeSeriesStore.CommitHook, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Rollups.class);
    static final String SETTING_PREFIX = "rollup/";
    // partials a backfill holds in memory before merging them into the store
    private static final int BACKFILL_FLUSH_KEYS = 50_000;

    private final TimeSeriesStore store;
    private final SegmentTier segments;
    private final SchemaCatalog catalog;
    // decodes the rows of hooked commits, which run one at a time (the store's hook lock); a decoder is not thread-safe
    private final WireRecordDecoder records;
    private final Map<String, RollupDefinition> definitions = new ConcurrentHashMap<>();
    private final Map<String, String> states = new ConcurrentHashMap<>();
    // by stream: what commits fold into; replaced whole (copy on write) while no commit runs
    private volatile Map<String, List<RollupDefinition>> maintained = Map.of();
    private final ExecutorService backfills = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rollup-backfill");
        t.setDaemon(true);
        return t;
    });

    private static final String READY = "ready";
    private static final String BACKFILLING = "backfilling";

    private Rollups(TimeSeriesStore store, SegmentTier segments, SchemaCatalog catalog) {
        this.store = store;
        this.segments = segments;
        this.catalog = catalog;
        // a commit may run ahead of this node's catalog by a just-registered schema: wait for it, as the writer does,
        // rather than leave out a row that queries will decode
        this.records = new WireRecordDecoder(catalog, null, 5000);
    }

    /**
     * The store's rollups, maintained from now on: ready ones at once, unready ones (a backfill cut short) started over.
     * Call before anything commits to the store.
     *
     * @param segments the store's sealed partitions, read by backfills; null when nothing is sealed
     */
    public static Rollups open(TimeSeriesStore store, SegmentTier segments, SchemaCatalog catalog) {
        Rollups rollups = new Rollups(store, segments, catalog);
        store.commitHook(rollups);
        for (byte[] value : store.settings(SETTING_PREFIX).values()) {
            RollupDefinition.Stored stored = RollupDefinition.fromSetting(value);
            rollups.definitions.put(stored.definition().name(), stored.definition());
            if (stored.ready()) {
                rollups.states.put(stored.definition().name(), READY);
                rollups.whileNoCommitRuns(() -> rollups.setMaintained(stored.definition(), true));
            } else {
                LOG.info("rollup backfill was cut short, starting it over name={}", stored.definition().name());
                rollups.startBackfill(stored.definition());
            }
        }
        return rollups;
    }

    /** The live partials: folded by commits from the rollup's creation on. */
    static String liveView(String name) {
        return "~rollup/" + name + "/live";
    }

    /** The base partials: the rows stored before the rollup's creation, written once by its backfill. */
    static String baseView(String name) {
        return "~rollup/" + name + "/base";
    }

    /**
     * Creates a rollup and starts its backfill; it is {@link #isReady ready} once the stream's existing rows are in.
     *
     * @throws IllegalArgumentException when the name is taken
     */
    public synchronized void create(RollupDefinition definition) {
        if (definitions.containsKey(definition.name())) {
            throw new IllegalArgumentException("a rollup named '" + definition.name() + "' exists: drop it first or pick another name");
        }
        definitions.put(definition.name(), definition);
        store.putSetting(SETTING_PREFIX + definition.name(), definition.toSetting(false));
        startBackfill(definition);
    }

    /** Stops maintaining a rollup and deletes its partials; false when there is none of that name. */
    public synchronized boolean drop(String name) {
        RollupDefinition definition = definitions.remove(name);
        if (definition == null) {
            return false;
        }
        whileNoCommitRuns(() -> setMaintained(definition, false));
        states.remove(name);
        store.deleteSetting(SETTING_PREFIX + name);
        store.deleteView(definition.stream(), liveView(name));
        store.deleteView(definition.stream(), baseView(name));
        return true;
    }

    /** The rollup named {@code name}, ready or not; null when there is none. */
    public RollupDefinition definition(String name) {
        return definitions.get(name);
    }

    /** Every rollup, by name. */
    public Map<String, RollupDefinition> definitions() {
        return Map.copyOf(definitions);
    }

    /** True once the rollup holds every row of its stream: queries may read it in place of the rows. */
    public boolean isReady(String name) {
        return READY.equals(states.get(name));
    }

    /** "ready", "backfilling" or "failed: reason"; null for no such rollup. */
    public String state(String name) {
        return states.get(name);
    }

    /** The ready rollups of {@code stream}. */
    public List<RollupDefinition> readyFor(String stream) {
        List<RollupDefinition> ready = new ArrayList<>();
        for (RollupDefinition definition : definitions.values()) {
            if (definition.stream().equals(stream) && isReady(definition.name())) {
                ready.add(definition);
            }
        }
        return ready;
    }

    /** Waits until the rollup is ready; false on timeout or when its backfill failed. */
    public boolean awaitReady(String name, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            String state = states.get(name);
            if (READY.equals(state)) {
                return true;
            }
            if (state == null || state.startsWith("failed")) {
                return false;
            }
            Thread.sleep(10);
        }
        return false;
    }

    /** Receives one series' bucket of a rollup. */
    public interface PartialVisitor {
        /** @return false to stop */
        boolean visit(String series, long bucketStartMs, RollupPartial partial);
    }

    /** Visits a rollup's buckets with {@code fromMs <= bucket start < toMs}, one series or all (null), at one instant. */
    public void scan(RollupDefinition definition, String series, long fromMs, long toMs, PartialVisitor visitor) {
        int fields = definition.fields().size();
        store.scanViewPair(definition.stream(), baseView(definition.name()), liveView(definition.name()), series, fromMs, toMs,
                (keySeries, time, base, live) -> {
                    RollupPartial partial = base != null ? RollupPartial.fromBytes(base, fields) : RollupPartial.fromBytes(live, fields);
                    if (base != null && live != null) {
                        partial.merge(RollupPartial.fromBytes(live, fields));
                    }
                    return visitor.visit(keySeries, time, partial);
                });
    }

    @Override
    public boolean touches(StoreBatch batch) {
        Map<String, List<RollupDefinition>> streams = maintained;
        if (streams.isEmpty()) {
            return false;
        }
        for (int i = 0; i < batch.rawCount(); i++) {
            if (streams.containsKey(batch.rawStream(i))) {
                return true;
            }
        }
        return false;
    }

    private record BucketKey(RollupDefinition definition, String series, long bucketStartMs) {
    }

    @Override
    public void beforeWrite(StoreBatch batch) {
        Map<String, List<RollupDefinition>> streams = maintained;
        Map<BucketKey, RollupPartial> folded = new HashMap<>();
        for (int i = 0; i < batch.rawCount(); i++) {
            List<RollupDefinition> rollups = streams.get(batch.rawStream(i));
            if (rollups == null) {
                continue;
            }
            GenericRecord record = records.decode(batch.rawValue(i));
            if (record == null) {
                continue; // as the query engine: a row it cannot decode is not a row
            }
            for (RollupDefinition definition : rollups) {
                fold(definition, record, partialOf(folded, definition, batch.rawSeries(i), batch.rawTimeMs(i)));
            }
        }
        mergeInto(batch, true, folded);
    }

    /** The partial of the bucket holding {@code timeMs} of {@code series}, new when there is none yet. */
    private static RollupPartial partialOf(Map<BucketKey, RollupPartial> partials, RollupDefinition definition,
            String series, long timeMs) {
        return partials.computeIfAbsent(new BucketKey(definition, series, definition.bucketOf(timeMs)),
                k -> new RollupPartial(definition.fields().size()));
    }

    /**
     * Adds to {@code batch} each partial merged with what its key holds in the live view (live) or the base view:
     * a read-modify-write, safe while one thread writes the view (commits under the hook lock; the one backfill).
     */
    private void mergeInto(StoreBatch batch, boolean live, Map<BucketKey, RollupPartial> partials) {
        for (Map.Entry<BucketKey, RollupPartial> entry : partials.entrySet()) {
            BucketKey key = entry.getKey();
            RollupDefinition definition = key.definition();
            String view = live ? liveView(definition.name()) : baseView(definition.name());
            byte[] old = store.viewValue(definition.stream(), view, key.series(), key.bucketStartMs());
            RollupPartial partial = entry.getValue();
            if (old != null) {
                partial.merge(RollupPartial.fromBytes(old, definition.fields().size()));
            }
            batch.putViewValue(definition.stream(), view, key.series(), key.bucketStartMs(), partial.toBytes());
        }
    }

    private static void fold(RollupDefinition definition, GenericRecord record, RollupPartial partial) {
        partial.addRows(1);
        List<String> fields = definition.fields();
        for (int f = 0; f < fields.size(); f++) {
            Schema.Field field = record.getSchema().getField(fields.get(f));
            if (field != null) {
                partial.add(f, record.get(field.pos()));
            }
        }
    }

    /** Starts or stops folding commits into the rollup; call while no commit runs. */
    private void setMaintained(RollupDefinition definition, boolean on) {
        Map<String, List<RollupDefinition>> next = new HashMap<>(maintained);
        List<RollupDefinition> rollups = new ArrayList<>(next.getOrDefault(definition.stream(), List.of()));
        rollups.removeIf(d -> d.name().equals(definition.name()));
        if (on) {
            rollups.add(definition);
        }
        if (rollups.isEmpty()) {
            next.remove(definition.stream());
        } else {
            next.put(definition.stream(), List.copyOf(rollups));
        }
        maintained = Map.copyOf(next);
    }

    private void whileNoCommitRuns(Runnable action) {
        store.whileNoCommitRuns(() -> {
            action.run();
            return null;
        });
    }

    /**
     * Starts maintaining the rollup and, at the same instant, opens the read view its backfill reads: commits before it
     * are in the view, commits after it fold into the live partials.
     */
    private void startBackfill(RollupDefinition definition) {
        store.deleteView(definition.stream(), liveView(definition.name()));
        store.deleteView(definition.stream(), baseView(definition.name()));
        states.put(definition.name(), BACKFILLING);
        TimeSeriesStore.ReadView view = store.whileNoCommitRuns(() -> {
            setMaintained(definition, true);
            return store.readView();
        });
        backfills.submit(() -> backfill(definition, view));
    }

    private void backfill(RollupDefinition definition, TimeSeriesStore.ReadView view) {
        long start = System.nanoTime();
        long[] rows = {0};
        Map<BucketKey, RollupPartial> partials = new HashMap<>();
        // its own decoder: commits decode with theirs meanwhile, on other threads
        WireRecordDecoder backfillRecords = new WireRecordDecoder(catalog, null, 5000);
        try (view) {
            if (segments != null) {
                List<String> wanted = new ArrayList<>(definition.fields());
                wanted.add(PartitionSealer.SERIES_COLUMN);
                for (SealedPartition sealed : view.sealed(definition.stream(), Long.MIN_VALUE, Long.MAX_VALUE)) {
                    segments.segment(sealed).scan(Long.MIN_VALUE, Long.MAX_VALUE, wanted, block -> {
                        foldBlock(definition, block, partials);
                        rows[0] += block.rows();
                    });
                    if (partials.size() > BACKFILL_FLUSH_KEYS && !flushBase(definition, partials)) {
                        return;
                    }
                }
            }
            view.scanRaw(definition.stream(), null, Long.MIN_VALUE, Long.MAX_VALUE, (series, timeMs, value) -> {
                GenericRecord record = backfillRecords.decode(value);
                if (record != null) {
                    fold(definition, record, partialOf(partials, definition, series, timeMs));
                    rows[0]++;
                }
                return partials.size() <= BACKFILL_FLUSH_KEYS || flushBase(definition, partials);
            });
            synchronized (this) {
                if (!flushBase(definition, partials)) {
                    return;
                }
                store.putSetting(SETTING_PREFIX + definition.name(), definition.toSetting(true));
                states.put(definition.name(), READY);
            }
            LOG.info("rollup ready name={} stream={} rows_backfilled={} elapsed_ms={}", definition.name(), definition.stream(), rows[0],
                    (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            states.computeIfPresent(definition.name(), (name, state) -> "failed: " + e.getMessage());
            LOG.error("rollup backfill failed name={} reason={}; queries read the stream's rows instead; drop and create it again",
                    definition.name(), e.getMessage(), e);
        }
    }

    private static void foldBlock(RollupDefinition definition, ColumnarSegment.Block block, Map<BucketKey, RollupPartial> partials) {
        long[] times = block.times();
        String[] series = block.strings().get(PartitionSealer.SERIES_COLUMN);
        List<String> fields = definition.fields();
        Object[] columns = new Object[fields.size()];
        for (int f = 0; f < columns.length; f++) {
            Object values = block.longs().get(fields.get(f));
            columns[f] = values != null ? values : block.doubles().get(fields.get(f));
        }
        RollupPartial partial = null;
        BucketKey current = null;
        for (int r = 0; r < block.rows(); r++) {
            long bucket = definition.bucketOf(times[r]);
            String s = series == null ? "" : series[r];
            if (current == null || current.bucketStartMs() != bucket || !current.series().equals(s)) {
                current = new BucketKey(definition, s, bucket);
                partial = partials.computeIfAbsent(current, k -> new RollupPartial(fields.size()));
            }
            partial.addRows(1);
            for (int f = 0; f < columns.length; f++) {
                if (columns[f] instanceof long[] longs) {
                    partial.addLong(f, longs[r]);
                } else if (columns[f] instanceof double[] doubles) {
                    partial.addDouble(f, doubles[r]);
                }
            }
        }
    }

    /** Merges the backfill's partials into the base view and clears them; false when the rollup was dropped meanwhile. */
    private boolean flushBase(RollupDefinition definition, Map<BucketKey, RollupPartial> partials) {
        if (definitions.get(definition.name()) != definition) {
            store.deleteView(definition.stream(), baseView(definition.name()));
            return false;
        }
        try (StoreBatch batch = store.newBatch()) {
            mergeInto(batch, false, partials);
            store.commit(batch);
        }
        partials.clear();
        return true;
    }

    @Override
    public void close() {
        store.commitHook(null);
        backfills.shutdownNow();
        try {
            backfills.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
