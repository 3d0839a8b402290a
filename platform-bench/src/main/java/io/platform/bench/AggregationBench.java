package io.platform.bench;

import io.platform.deploy.demo.OpenLoopLoad;
import io.platform.deploy.demo.ScratchDir;
import io.platform.deploy.demo.SensorEvents;
import io.platform.deploy.processing.AggregationJobs;
import io.platform.deploy.processing.ProcessingConfig;
import io.platform.deploy.node.NodeConfig;
import io.platform.deploy.node.PlatformNode;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import io.platform.observability.StageLatency;
import io.platform.processing.metrics.FlinkMetricsBridge;
import io.platform.wire.EventHeaders;
import io.platform.wire.TopicNames;
import io.platform.wire.schema.StreamSchema;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * {@code platform bench flink}: the windowed aggregation job alone at a fixed rate, per state backend. An ingest-only
 * node provides the broker; a plain producer in this JVM writes the sample events into {@code ingest.<stream>} at
 * {@code rate} with the headers the gateway writes (so the job sees exactly what it sees in production, without the
 * gateway's and storage's CPU on the same two cores); the job runs on a MiniCluster of its own with the node's Flink
 * settings. Reports the events the job consumed per second and the process stage (record written to Kafka → read by
 * the job) p50/p99/p999, and the backlog left at the end: a job that keeps up has none.
 */
public final class AggregationBench {
    private record Row(String backend, int rate, double producedPerSecond, double processedPerSecond, Histogram process, Histogram shuffle,
                       long backlog, long maxCheckpointMs, long largestCheckpointBytes) {
    }

    private final PlatformNode node;
    private final PrintStream out;

    public AggregationBench(PlatformNode node, PrintStream out) {
        this.node = node;
        this.out = out;
    }

    /** One run per backend, in the order given, each on a stream and MiniCluster of its own. */
    public void run(List<String> backends, int rate, int series, double zipf, int warmupSeconds, int durationSeconds,
            NodeConfig.Builder flinkSettings)
            throws Exception {
        List<Row> rows = new ArrayList<>();
        int runNumber = 0;
        for (String backend : backends) {
            String stream = "bench_agg_" + backend + "_" + (++runNumber);
            out.printf("-- %s: starting the job on stream %s ...%n", backend, stream);
            rows.add(runOne(backend, stream, rate, series, zipf, warmupSeconds, durationSeconds,
                    flinkSettings.set("flink.state.backend", backend).build()));
            Row row = rows.get(rows.size() - 1);
            out.printf("   %s: %.0f events/s processed of %.0f produced; process p99 %.2f ms; backlog %d%n", backend,
                    row.processedPerSecond(), row.producedPerSecond(), row.process().getValueAtPercentile(99) / 1e6, row.backlog());
        }
        out.printf("%n%-8s %10s %12s %12s %14s %14s %15s %14s %10s %14s %14s%n", "backend", "rate/s", "produced/s", "processed/s",
                "process p50 ms", "process p99 ms", "process p999 ms", "shuffle p99 ms", "backlog", "max ckpt ms", "max ckpt full MB");
        for (Row row : rows) {
            out.printf("%-8s %10d %12.0f %12.0f %14.2f %14.2f %15.2f %14.2f %10d %14d %14.1f%n", row.backend(), row.rate(),
                    row.producedPerSecond(),
                    row.processedPerSecond(), row.process().getValueAtPercentile(50) / 1e6, row.process().getValueAtPercentile(99) / 1e6,
                    row.process().getValueAtPercentile(99.9) / 1e6, row.shuffle().getValueAtPercentile(99) / 1e6, row.backlog(),
                    row.maxCheckpointMs(), row.largestCheckpointBytes() / 1e6);
        }
        out.println("process = Kafka append time of the record to the job's source reading it (ms resolution: Kafka timestamps);"
                + " processed/s from the process stage's count (sampled above 82,000 events/s, right on average);"
                + " shuffle = a partial sent by its source task to the window merging it: its wait in Flink's network buffers");
    }

    private Row runOne(String backend, String stream, int rate, int series, double zipf, int warmupSeconds, int durationSeconds,
            NodeConfig config)
            throws Exception {
        StreamSchema schema = node.registry().register(stream, SensorEvents.SCHEMA, null, null);
        SensorEvents events = new SensorEvents(schema.id(), series, zipf);
        if (zipf > 0) {
            out.printf("   keys: Zipf s=%.2f over %d series, the hottest has %.1f%% of the events%n", zipf, series,
                    100 * events.hottestShare());
        }
        StageLatency process = LatencyMetrics.global().stage(Stage.PROCESS);
        StageLatency shuffle = LatencyMetrics.global().stage(Stage.SHUFFLE);
        String job = AggregationJobs.jobName(stream);
        String topic = TopicNames.ingest(stream);
        try (ScratchDir flinkDir = ScratchDir.create(null, "platform-bench-flink-");
             AggregationJobs jobs = new AggregationJobs(ProcessingConfig.from(config).withFlinkDir(flinkDir.path()),
                     ProcessingConfig.from(config).aggregation(node.bootstrapServers()));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(PlatformNode.producerProps(node.bootstrapServers(),
                     node.config().integer("producer.linger.ms")))) {
            jobs.ensure(stream);
            long processedAtRunStart = process.count();
            // written and read on the load's thread only (sender, measuring start and progress all run there)
            final class Run {
                long sent;
                long sentAtMeasureStart;
                long processedAtMeasureStart;
                long measureStartNs;
                long longestCheckpointMs;
                long largestCheckpointBytes;
            }
            Run run = new Run();
            OpenLoopLoad load = new OpenLoopLoad();
            OpenLoopLoad.Sender sender = (firstSeq, count, l) -> {
                for (long seq = firstSeq; seq < firstSeq + count; seq++) {
                    long sentSeq = seq;
                    long sendTimeNs = l.intendedSendTimeNs(seq);
                    RecordHeaders headers = EventHeaders.withTimes(sendTimeNs, sendTimeNs / 1_000_000L);
                    producer.send(new ProducerRecord<>(topic, null, null, events.series(seq).getBytes(StandardCharsets.UTF_8),
                            events.encode(seq, sendTimeNs / 1_000_000L), headers), (metadata, error) -> l.acked(sentSeq, 1, error == null));
                }
                run.sent = firstSeq + count;
            };
            Runnable onMeasureStart = () -> {
                process.reset();
                shuffle.reset();
                run.sentAtMeasureStart = run.sent;
                run.processedAtMeasureStart = process.count();
                run.measureStartNs = System.nanoTime();
            };
            OpenLoopLoad.Progress progress = (second, sentInSecond, ackedInSecond, interval) -> {
                long checkpointMs = (long) FlinkMetricsBridge.value(job, "lastCheckpointDuration");
                // the full size: an incremental RocksDB checkpoint uploads less, but restoring needs all of it
                long checkpointBytes = (long) FlinkMetricsBridge.value(job, "lastCheckpointFullSize");
                boolean measuring = second > warmupSeconds;
                if (measuring) {
                    run.longestCheckpointMs = Math.max(run.longestCheckpointMs, checkpointMs);
                    run.largestCheckpointBytes = Math.max(run.largestCheckpointBytes, checkpointBytes);
                }
                out.printf("   t=%3ds sent=%d processed=%d last checkpoint %d ms %.1f MB shuffle p99 so far %.0f ms%s%n", second, run.sent,
                        process.count() - processedAtRunStart, checkpointMs, checkpointBytes / 1e6, shuffle.snapshot()
                                .getValueAtPercentile(99) / 1e6,
                        measuring ? "" : " (warm-up)");
            };
            long sent = load.run(sender, rate, warmupSeconds, durationSeconds, onMeasureStart, progress);
            double seconds = (System.nanoTime() - run.measureStartNs) / 1e9;
            Histogram latency = process.snapshot();
            // what the job had not read when the load stopped (the count is sampled: clamp at 0)
            long backlog = Math.max(0, sent - (process.count() - processedAtRunStart));
            return new Row(backend, rate, (sent - run.sentAtMeasureStart) / seconds,
                    (process.count() - run.processedAtMeasureStart) / seconds,
                    latency, shuffle.snapshot(), backlog, run.longestCheckpointMs, run.largestCheckpointBytes);
        }
    }
}
