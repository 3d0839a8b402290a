package io.platform.deploy.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.platform.storage.SealedPartition;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.tiering.PartitionSealer;
import io.platform.storage.tiering.SegmentTier;
import io.platform.storage.tiering.TierMover;
import io.platform.wire.schema.SchemaCatalog;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals due partitions into column segments, and moves old segments to the cold tier, every {@code storage.seal.check}
 * on a low-priority thread of its own, off the request and writer threads. Closing waits for the partition in
 * progress, so the store never closes under it.
 */
final class PartitionSealing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionSealing.class);
    private static final long FIRST_CHECK_MS = 1000;
    private static final long STOP_TIMEOUT_MINUTES = 2;

    private final PartitionSealer sealer;
    private final TierMover mover;
    private final boolean coldTier;
    private final Counter sealedRows;
    private final ScheduledExecutorService sealing = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "partition-sealer");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });

    PartitionSealing(StorageConfig config, TimeSeriesStore store, SegmentTier segments, SchemaCatalog catalog, MeterRegistry registry) {
        this.sealer = new PartitionSealer(store, catalog, segments, config.sealPartition().toMillis(), config.sealAfter().toMillis());
        long defaultColdAfter = config.coldAfter().toMillis();
        this.mover = new TierMover(store, segments, catalog::streams,
                stream -> config.coldAfterStream().getOrDefault(stream, defaultColdAfter), config.coldIdle().toMillis());
        this.coldTier = config.coldTier();
        this.sealedRows = Counter.builder("platform.storage.sealed.rows")
                .description("raw rows moved from RocksDB into columnar segments").register(registry);
        sealing.scheduleWithFixedDelay(this::check, FIRST_CHECK_MS, config.sealCheck().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            for (SealedPartition p : sealer.sealDue(System.currentTimeMillis())) {
                sealedRows.increment(p.rows());
                LOG.info("partition sealed stream={} from={} to={} rows={} file=segments/{}/{}", p.stream(),
                        Instant.ofEpochMilli(p.fromMs()), Instant.ofEpochMilli(p.toMs()), p.rows(), p.stream(), p.file());
            }
            List<SealedPartition> moved = coldTier ? mover.moveDue(System.currentTimeMillis()) : List.of();
            for (SealedPartition p : moved) {
                LOG.info("partition moved to cold tier stream={} from={} to={}", p.stream(), Instant.ofEpochMilli(p.fromMs()),
                        Instant.ofEpochMilli(p.toMs()));
            }
        } catch (RuntimeException e) {
            // the rows stay in RocksDB and are read from there
            LOG.warn("sealing failed error={} action='retried at the next check (storage.seal.check)'", e.toString(), e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        // interrupted, the sealer stops between partitions; the one in progress finishes first
        sealing.shutdownNow();
        sealing.awaitTermination(STOP_TIMEOUT_MINUTES, TimeUnit.MINUTES);
    }
}
