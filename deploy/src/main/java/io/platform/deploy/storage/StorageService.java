package io.platform.deploy.storage;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.platform.observability.LatencyMetrics;
import io.platform.deploy.kafka.KafkaService;
import io.platform.deploy.service.HttpRoute;
import io.platform.deploy.service.Meters;
import io.platform.deploy.service.Service;
import io.platform.deploy.service.StartedResources;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.cold.ErasureCodedStore;
import io.platform.storage.ingest.StorageWriter;
import io.platform.storage.qos.IoBudget;
import io.platform.storage.rollup.Rollups;
import io.platform.storage.tiering.SegmentTier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Time-series storage: the warm tier (RocksDB), sealed column segments with their hot and cold tiers, the rollups kept
 * exact at each commit, and the writers that consume {@code ingest.<stream>} (one for most streams, one per bulk stream
 * under its I/O budget). Serves {@code GET /v1/segments} on the query listener. Thread-safe after {@link #start()}.
 */
public final class StorageService implements Service {
    private static final String WRITER_GROUP = "platform-storage";

    private final StorageConfig config;
    private final KafkaService kafka;
    private final LatencyMetrics metrics;
    private final MeterRegistry registry;
    private final StartedResources started = new StartedResources("storage");
    private final List<StorageWriter> writers = new ArrayList<>();
    private TimeSeriesStore store;
    private SegmentTier segments;
    private Rollups rollups;

    public StorageService(StorageConfig config, KafkaService kafka, LatencyMetrics metrics) {
        this.config = config;
        this.kafka = kafka;
        this.metrics = metrics;
        this.registry = metrics.registry();
    }

    @Override
    public String name() {
        return "storage";
    }

    @Override
    public void start() throws Exception {
        store = TimeSeriesStore.open(config.dataDir().resolve("storage"), config.options());
        started.add(store);
        registerLsmMetrics();
        ErasureCodedStore cold = config.coldTier()
                ? new ErasureCodedStore(config.coldDirs(), config.coldShards()[0], config.coldShards()[1]) : null;
        segments = new SegmentTier(config.dataDir().resolve("segments"), config.hotBytes(), cold,
                config.dataDir().resolve("cold-cache"), config.coldCacheBytes());
        registerHotTierMetrics();
        // before any writer commits: every commit folds into the rollups it touches
        rollups = started.add(Rollups.open(store, segments, kafka.catalog()));
        Map<String, Long> bulk = config.bulkStreams();
        writers.add(started.add(new StorageWriter(kafka.bootstrapServers(), store, kafka.catalog(),
                StorageWriter.topicsExcept(bulk.keySet()), WRITER_GROUP, null, metrics)));
        for (Map.Entry<String, Long> stream : bulk.entrySet()) {
            writers.add(started.add(new StorageWriter(kafka.bootstrapServers(), store, kafka.catalog(),
                    StorageWriter.topicsOf(Set.of(stream.getKey())), WRITER_GROUP + "-bulk-" + stream.getKey(),
                    IoBudget.bulk(stream.getKey(), stream.getValue(), 0), metrics)));
        }
        writers.forEach(StorageWriter::start);
        if (config.sealAfter() != null) {
            started.add(new PartitionSealing(config, store, segments, kafka.catalog(), registry));
        }
    }

    /**
     * The warm tier's LSM costs in Prometheus: write amplification (SST bytes written per byte stored), read
     * amplification (data blocks per read), stall time, compaction backlog and level-0 files. Read from RocksDB's
     * statistics at scrape time.
     */
    private void registerLsmMetrics() {
        keep(Gauge.builder("platform.storage.write.amplification", store, s -> s.lsmStats().writeAmplification())
                .description("bytes flushes and compactions wrote per byte the platform stored").register(registry));
        keep(Gauge.builder("platform.storage.read.amplification", store, s -> s.lsmStats().readAmplification())
                .description("data blocks touched per point lookup or seek").register(registry));
        keep(Gauge.builder("platform.storage.pending.compaction.bytes", store, s -> s.lsmStats().pendingCompactionBytes())
                .description("bytes compaction still has to rewrite").register(registry));
        keep(Gauge.builder("platform.storage.level0.files", store, s -> s.lsmStats().level0Files())
                .description("SST files in level 0").register(registry));
        keep(FunctionCounter.builder("platform.storage.stall.seconds", store, s -> s.stallMicros() / 1e6)
                .description("time writes were stalled or slowed because flushes or compactions fell behind").register(registry));
    }

    private void registerHotTierMetrics() {
        keep(Gauge.builder("platform.storage.hot.bytes", segments, t -> t.hot().bytes())
                .description("decoded column blocks held in memory (the hot tier)").baseUnit("bytes").register(registry));
        keep(FunctionCounter.builder("platform.storage.hot.hits", segments, t -> t.hot().hits())
                .description("column blocks a query found decoded in the hot tier").register(registry));
        keep(FunctionCounter.builder("platform.storage.hot.misses", segments, t -> t.hot().misses())
                .description("column blocks a query had to decode from a segment").register(registry));
    }

    /** Removes {@code meter} when the service closes: a restarted node must not read a closed store through it. */
    private void keep(Meter meter) {
        started.add(Meters.removedOnClose(registry, meter));
    }

    /** Calls {@code listener} with the streams of every commit of every writer (cache invalidation, statistics). */
    public void onCommit(Consumer<Collection<String>> listener) {
        writers.forEach(writer -> writer.onCommit(listener));
    }

    /** True while every writer consumes. */
    @Override
    public boolean healthy() {
        return writers.stream().allMatch(StorageWriter::healthy);
    }

    /** The largest consumer lag of the writers, in records. */
    public long lagRecords() {
        return writers.stream().mapToLong(StorageWriter::lagRecords).max().orElse(0);
    }

    /** Write stall time since start in ms. */
    public long stallMs() {
        return store.stallMicros() / 1000;
    }

    public TimeSeriesStore store() {
        return store;
    }

    public SegmentTier segments() {
        return segments;
    }

    public Rollups rollups() {
        return rollups;
    }

    @Override
    public List<HttpRoute> routes() {
        return List.of(new HttpRoute("/v1/segments", HttpRoute.Listener.QUERY, new SegmentRoutes(store, segments, kafka.catalog())));
    }

    @Override
    public void close() {
        started.closeAll();
    }
}
