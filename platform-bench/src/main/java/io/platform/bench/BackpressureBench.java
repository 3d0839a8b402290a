package io.platform.bench;

import io.platform.deploy.node.PlatformNode;
import io.platform.processing.metrics.FlinkMetricsBridge;
import io.platform.processing.sources.AimdRate;
import io.platform.processing.sources.RateControlledSource;
import io.platform.wire.EpochClock;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.legacy.DiscardingSink;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code platform bench backpressure}: a downstream slowdown, and what each kind of source-side control does to the
 * latency. A plain producer writes {@code rate} records/s into a topic of an ingest-only node; a Flink job (MiniCluster,
 * parallelism 2) reads them with the platform's Kafka source, keys them, and passes them through a stage that, for
 * {@code slowSeconds} in the middle of the run, takes only {@code slowRate} records/s (a sink or a lookup gone slow)
 * and is fast otherwise. Per mode, in one run: Flink's credit-based flow control alone; with the AIMD source rate
 * control ({@code flink.source.rate-control=aimd}); with Flink's buffer debloating; with both. For each phase (before,
 * during, after the slowdown) it prints p50/p99/max of two latencies: in the job (the source handing the record out →
 * the slow stage done with it: time in Flink's buffers and the stage) and end to end (the producer's send → done,
 * including the wait in Kafka), the source's rate limit, and when the backlog was gone.
 */
public final class BackpressureBench {
    /** One way to run the job. */
    private record Mode(String name, boolean aimd, boolean debloat) {
    }

    private static final int PAYLOAD_BYTES = 64;
    private static final String[] PHASES = {"before", "during", "after"};

    // shared with the job's operators, which run in this JVM (MiniCluster); set before each job starts
    private static volatile long slowFromMs;
    private static volatile long slowUntilMs;
    private static volatile long slowNanosPerRecord;
    private static final Recorder[] IN_JOB = {new Recorder(3), new Recorder(3), new Recorder(3)};
    private static final Recorder[] END_TO_END = {new Recorder(3), new Recorder(3), new Recorder(3)};
    private static final AtomicLong DONE = new AtomicLong();
    // when the last record that had waited over a second end to end was done: the backlog's last trace
    private static volatile long lastLateDoneMs;

    private final PlatformNode node;
    private final PrintStream out;

    public BackpressureBench(PlatformNode node, PrintStream out) {
        this.node = node;
        this.out = out;
    }

    public void run(int rate, int slowRate, int beforeSeconds, int slowSeconds, int afterSeconds, Duration debloatTarget) throws Exception {
        List<Mode> modes = List.of(new Mode("flow control", false, false), new Mode("aimd", true, false),
                new Mode("debloat", false, true), new Mode("aimd+debloat", true, true));
        out.printf("bench backpressure: %d records/s for %d s; the slow stage takes %d records/s from t=%ds for %d s; debloat target %d"
                + " ms%n",
                rate, beforeSeconds + slowSeconds + afterSeconds, slowRate, beforeSeconds, slowSeconds, debloatTarget.toMillis());
        List<String> table = new ArrayList<>();
        int runNumber = 0;
        for (Mode mode : modes) {
            out.printf("-- %s%n", mode.name());
            table.addAll(runOne(mode, "bench-bp-" + (++runNumber), rate, slowRate, beforeSeconds, slowSeconds, afterSeconds,
                    debloatTarget));
        }
        out.printf("%n%-13s %-7s %10s %13s %13s %13s %11s %11s %11s %11s%n", "mode", "phase", "records", "in-job p50 ms", "in-job p99 ms",
                "in-job max ms", "e2e p50 ms", "e2e p99 ms", "e2e max ms", "drained s");
        table.forEach(out::println);
        out.println("in-job = the source handing the record out -> the slow stage done with it (Flink's buffers + the stage);"
                + " e2e = the producer's send -> done (adds the wait in Kafka); drained = seconds after the slowdown until"
                + " no record waited over a second end to end any more (the backlog of the slowdown gone)");
    }

    private List<String> runOne(Mode mode, String topic, int rate, int slowRate, int beforeSeconds, int slowSeconds, int afterSeconds,
                                Duration debloatTarget) throws Exception {
        try (Admin admin = Admin.create(adminProps())) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Configuration conf = new Configuration();
        FlinkMetricsBridge.configure(conf);
        if (mode.debloat()) {
            conf.setString("taskmanager.network.memory.buffer-debloat.enabled", "true");
            conf.setString("taskmanager.network.memory.buffer-debloat.target", debloatTarget.toMillis() + " ms");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        KafkaSource<Tuple3<Long, Long, byte[]>> kafka = KafkaSource.<Tuple3<Long, Long, byte[]>>builder()
                .setBootstrapServers(node.bootstrapServers()).setTopics(topic).setGroupId(topic)
                .setStartingOffsets(OffsetsInitializer.earliest()).setDeserializer(new Stamp())
                .setProperty("fetch.max.wait.ms", "20").build();
        env.fromSource(RateControlledSource.of(kafka, mode.aimd() ? AimdRate.Settings.defaults() : null), WatermarkStrategy.noWatermarks(),
                "source")
                .keyBy(record -> (int) (record.f0 % 64), Types.INT)
                .map(new SlowStage()).returns(Types.LONG)
                .addSink(new DiscardingSink<>());
        for (Recorder recorder : IN_JOB) {
            recorder.reset();
        }
        for (Recorder recorder : END_TO_END) {
            recorder.reset();
        }
        DONE.set(0);
        lastLateDoneMs = 0;
        long start = System.currentTimeMillis() + 3_000;
        slowFromMs = start + beforeSeconds * 1000L;
        slowUntilMs = slowFromMs + slowSeconds * 1000L;
        // the stage has parallelism 2: each subtask takes half the slow rate
        slowNanosPerRecord = 2_000_000_000L / slowRate;
        String jobName = "bench-backpressure-" + topic;
        JobClient job = env.executeAsync(jobName);
        Histogram[][] phases = new Histogram[2][3];
        long drainedAfterMs = -1;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(PlatformNode.producerProps(node.bootstrapServers(), 5))) {
            while (System.currentTimeMillis() < start) {
                Thread.sleep(10);
            }
            long total = (long) rate * (beforeSeconds + slowSeconds + afterSeconds);
            long startNs = System.nanoTime();
            long sent = 0;
            int lastSecond = 0;
            byte[] key = new byte[8];
            while (sent < total) {
                long due = (long) ((System.nanoTime() - startNs) / 1e9 * rate);
                while (sent < Math.min(due, total)) {
                    byte[] value = new byte[PAYLOAD_BYTES];
                    ByteBuffer.wrap(value).putLong(EpochClock.nowNs());
                    ByteBuffer.wrap(key).putLong(sent);
                    producer.send(new ProducerRecord<>(topic, key.clone(), value));
                    sent++;
                }
                int second = (int) ((System.nanoTime() - startNs) / 1_000_000_000L);
                if (second > lastSecond) {
                    lastSecond = second;
                    out.printf("   t=%3ds sent=%d done=%d source limit %s%s%n", second, sent, DONE.get(), sourceLimit(jobName),
                            slowFromMs <= System.currentTimeMillis()
                                    && System.currentTimeMillis() < slowUntilMs ? " (slow stage)" : "");
                }
                LockSupport.parkNanos(200_000);
            }
            producer.flush();
            long deadline = System.currentTimeMillis() + 120_000;
            while (DONE.get() < total && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            drainedAfterMs = DONE.get() >= total ? Math.max(0, lastLateDoneMs - slowUntilMs) : -1;
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        List<String> rows = new ArrayList<>();
        for (int phase = 0; phase < 3; phase++) {
            Histogram inJob = IN_JOB[phase].getIntervalHistogram();
            Histogram endToEnd = END_TO_END[phase].getIntervalHistogram();
            rows.add(String.format("%-13s %-7s %10d %13.1f %13.1f %13.1f %11.1f %11.1f %11.1f %11s", mode.name(), PHASES[phase],
                    inJob.getTotalCount(),
                    inJob.getValueAtPercentile(50) / 1e6, inJob.getValueAtPercentile(99) / 1e6, inJob.getMaxValue() / 1e6,
                    endToEnd.getValueAtPercentile(50) / 1e6, endToEnd.getValueAtPercentile(99) / 1e6, endToEnd.getMaxValue() / 1e6,
                    phase < 2 ? "" : drainedAfterMs < 0 ? "not in 120" : String.format("%.1f", drainedAfterMs / 1000.0)));
        }
        out.printf("   %s: drained %s%n", mode.name(), drainedAfterMs < 0 ? "not within 120 s" : (drainedAfterMs / 1000.0)
                + " s after the slowdown");
        return rows;
    }

    /** The sum of the source subtasks' limits, "none" when none is limited (or the source is not rate-controlled). */
    private static String sourceLimit(String job) {
        double sum = 0;
        boolean limited = false;
        for (FlinkMetricsBridge.Reading reading : FlinkMetricsBridge.readings(job, "sourceRateLimit")) {
            double limit = reading.value();
            limited |= limit >= 0;
            sum += Math.max(0, limit);
        }
        return limited ? String.format("%.0f/s", sum) : "none";
    }

    private Properties adminProps() {
        Properties props = new Properties();
        props.put("bootstrap.servers", node.bootstrapServers());
        return props;
    }

    /** Reads a record as (send time, the moment the source hands it out, payload). */
    private static final class Stamp implements KafkaRecordDeserializationSchema<Tuple3<Long, Long, byte[]>> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Tuple3<Long, Long, byte[]>> out) {
            out.collect(Tuple3.of(ByteBuffer.wrap(record.value()).getLong(), System.nanoTime(), record.value()));
        }

        @Override
        public TypeInformation<Tuple3<Long, Long, byte[]>> getProducedType() {
            return Types.TUPLE(Types.LONG, Types.LONG, Types.PRIMITIVE_ARRAY(Types.BYTE));
        }
    }

    /** Fast, except from {@link #slowFromMs} to {@link #slowUntilMs}, when each record takes {@link #slowNanosPerRecord}. */
    private static final class SlowStage implements MapFunction<Tuple3<Long, Long, byte[]>, Long> {
        @Override
        public Long map(Tuple3<Long, Long, byte[]> record) {
            long nowMs = System.currentTimeMillis();
            if (nowMs >= slowFromMs && nowMs < slowUntilMs) {
                LockSupport.parkNanos(slowNanosPerRecord);
            }
            int phase = nowMs < slowFromMs ? 0 : nowMs < slowUntilMs ? 1 : 2;
            IN_JOB[phase].recordValue(Math.max(0, System.nanoTime() - record.f1));
            long endToEnd = Math.max(0, EpochClock.nowNs() - record.f0);
            END_TO_END[phase].recordValue(endToEnd);
            if (endToEnd > 1_000_000_000L) {
                lastLateDoneMs = nowMs;
            }
            DONE.incrementAndGet();
            return record.f0;
        }
    }
}
