package io.platform.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.platform.deploy.demo.GatewayLoad;
import io.platform.deploy.node.NodeConfig;
import io.platform.deploy.node.PlatformNode;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.HdrHistogram.Histogram;

/**
 * {@code platform bench backends}: the same full node and open-loop load with the aggregation jobs on the heap
 * (HashMap) state backend and on RocksDB, in the order heap, RocksDB, RocksDB, heap (drift cancels), each on a fresh
 * node and data directory. Reports the GC pauses of the measured period (count, p50/p99/max, total pause time per
 * second, from the JVM's GC notifications; concurrent cycles are not pauses and are left out), the end_to_end and
 * process stage p99, and heap used after the run.
 */
public final class BackendBench {
    /** Makes the config of a fresh node with the given state backend. */
    public interface Nodes {
        NodeConfig withBackend(String backend) throws Exception;
    }

    private record Row(String backend, double eventsPerSecond, Histogram pausesMs, long pauseTotalMs, double seconds,
                       double endToEndP99Ms, double processP99Ms, long heapUsedMb) {
    }

    private final PrintStream out;

    public BackendBench(PrintStream out) {
        this.out = out;
    }

    public void run(Nodes nodes, int rate, int warmupSeconds, int durationSeconds) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String backend : new String[] {"hashmap", "rocksdb", "rocksdb", "hashmap"}) {
            out.printf("-- %s: starting a fresh node ...%n", backend);
            try (PlatformNode node = PlatformNode.start(nodes.withBackend(backend))) {
                EndToEndBench bench = new EndToEndBench(node, out);
                bench.gateway(rate, 0, warmupSeconds, false);
                for (Stage stage : Stage.values()) {
                    LatencyMetrics.global().stage(stage).reset();
                }
                GcPauses pauses = new GcPauses();
                GatewayLoad.Result result;
                try (pauses) {
                    result = bench.gateway(rate, 0, durationSeconds, false);
                }
                System.gc();
                long heapUsedMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
                Row row = new Row(backend, result.eventsPerSecond(), pauses.histogram, pauses.totalMs, result.seconds(),
                        LatencyMetrics.global().stage(Stage.END_TO_END).snapshot().getValueAtPercentile(99) / 1e6,
                        LatencyMetrics.global().stage(Stage.PROCESS).snapshot().getValueAtPercentile(99) / 1e6, heapUsedMb);
                rows.add(row);
                out.printf("   %s: %d pauses, p99 %d ms, %.1f ms paused per second; end_to_end p99 %.2f ms%n", backend,
                        row.pausesMs().getTotalCount(), row.pausesMs().getValueAtPercentile(99), row.pauseTotalMs() / row.seconds(),
                                row.endToEndP99Ms());
            }
        }
        out.printf("%n%-8s %10s %8s %10s %10s %10s %14s %16s %12s %14s%n", "backend", "events/s", "pauses", "pause p50", "pause p99",
                "pause max", "paused ms/s", "end_to_end p99", "process p99", "heap after MB");
        for (Row row : rows) {
            out.printf("%-8s %10.0f %8d %10d %10d %10d %14.2f %16.2f %12.2f %14d%n", row.backend(), row.eventsPerSecond(),
                    row.pausesMs().getTotalCount(), row.pausesMs().getValueAtPercentile(50), row.pausesMs().getValueAtPercentile(99),
                    row.pausesMs().getMaxValue(), row.pauseTotalMs() / row.seconds(), row.endToEndP99Ms(), row.processP99Ms(),
                            row.heapUsedMb());
        }
        out.println("pauses in ms as the JVM reports them (1 ms resolution); rows in run order: heap, RocksDB, RocksDB, heap");
    }

    /** Collects the stop-the-world GC pauses of this JVM while open. */
    private static final class GcPauses implements NotificationListener, AutoCloseable {
        final Histogram histogram = new Histogram(3_600_000, 3);
        long totalMs;
        private final List<NotificationEmitter> emitters = new ArrayList<>();

        GcPauses() {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(this, null, null);
                    emitters.add(emitter);
                }
            }
        }

        @Override
        public synchronized void handleNotification(Notification notification, Object handback) {
            if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                return;
            }
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            if (info.getGcName().contains("Concurrent") || info.getGcAction().contains("concurrent")) {
                return;
            }
            long ms = info.getGcInfo().getDuration();
            histogram.recordValue(Math.min(ms, 3_600_000));
            totalMs += ms;
        }

        @Override
        public void close() throws Exception {
            for (NotificationEmitter emitter : emitters) {
                emitter.removeNotificationListener(this);
            }
        }
    }
}
