package io.platform.processing.aggregation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.platform.processing.SharedCatalogs;
import io.platform.wire.EventHeaders;
import io.platform.wire.TopicNames;
import io.platform.wire.aggregate.WindowAggregate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import io.platform.processing.sources.RateControlledSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Defines and starts the windowed aggregation on a Flink environment (a MiniCluster in the all-in-one node, or a
 * remote cluster). Exactly-once into storage comes from checkpoints plus idempotent writes: each (series, window)
 * aggregate is one storage key, so a replay after restore rewrites the same value instead of adding to it.
 */
public final class AggregationJob {
    public static final String JOB_NAME = "platform-aggregation";

    private AggregationJob() {
    }

    /** Adds the operators of one job over every {@code ingest.*} topic to {@code env}: all streams share one watermark. */
    public static void define(StreamExecutionEnvironment env, AggregationSettings settings) {
        define(env, settings, null);
    }

    /**
     * Adds the operators of the job for one stream ({@code ingest.<stream>}) to {@code env}, or for all streams when
     * {@code stream} is null. One job per stream gives each stream its own watermark, so a stream whose event times
     * lag (a backfill) does not hold back the windows of the others.
     */
    public static void define(StreamExecutionEnvironment env, AggregationSettings settings, String stream) {
        KafkaSource<KeyedEvent> source = (stream == null
                ? KafkaSource.<KeyedEvent>builder().setTopicPattern(TopicNames.INGEST_TOPICS)
                : KafkaSource.<KeyedEvent>builder().setTopics(TopicNames.ingest(stream)))
                .setBootstrapServers(settings.bootstrapServers())
                .setGroupId(stream == null ? JOB_NAME : JOB_NAME + "-" + stream)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new EventDeserializer(settings.bootstrapServers()))
                // New streams register new topics at any time: look for them every second.
                .setProperty("partition.discovery.interval.ms", "1000")
                .setProperty("fetch.max.wait.ms", "20")
                .setProperty("isolation.level", "read_committed")
                .build();
        Duration outOfOrderness = settings.outOfOrderness();
        Duration idleness = settings.idleness();
        WatermarkStrategy<KeyedEvent> watermarks = new IdleAwareWatermarkStrategy<>((event, kafkaTimestamp) -> event.eventTimeMs,
                outOfOrderness, idleness);
        String view = settings.view();
        KafkaSink<WindowAggregate> sink = KafkaSink.<WindowAggregate>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setRecordSerializer((KafkaRecordSerializationSchema<WindowAggregate>) (aggregate, context, timestamp) ->
                        new ProducerRecord<>(TopicNames.aggregate(aggregate.stream, view),
                                aggregate.series.getBytes(StandardCharsets.UTF_8), aggregate.toWire()))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
        // fixed operator ids: a later change to the job graph still maps each operator's state (the source's offsets,
        // the windows) from a checkpoint of the earlier graph; generated ids would change with the graph
        DataStream<KeyedEvent> events = env.fromSource(RateControlledSource.of(source, settings.sourceRateControl()), watermarks,
                        stream == null ? "ingest-topics" : TopicNames.ingest(stream))
                .uid("ingest-source");
        // two phases: events folded per key and window on the source's thread, partials merged in the window; or,
        // without pre-aggregation, every event a partial of its own (what it costs: docs/benchmarks.md)
        DataStream<PartialAggregate> partials = settings.preAggregate()
                ? events.transform("pre-aggregate", TypeInformation.of(PartialAggregate.class),
                        new LocalPreAggregator(settings.window().toMillis(),
                                AggregationSettings.PRE_AGGREGATION_ENTRIES)).uid("pre-aggregate")
                : events.map(PartialAggregate::of).returns(PartialAggregate.class).name("one-event-partials").uid("one-event-partials");
        SingleOutputStreamOperator<WindowAggregate> aggregates;
        SingleOutputStreamOperator<?> lateSource;
        if (settings.salting()) {
            // hot keys split over subtasks by salt, merged back per key in a second window of the same size: the salted
            // window's results carry its last timestamp, so they fall into the same window downstream
            SingleOutputStreamOperator<PartialAggregate> salted = partials
                    .map(new KeySalter()).name("salt-hot-keys").uid("salt-hot-keys")
                    .keyBy(new AggregationKey())
                    .window(TumblingEventTimeWindows.of(settings.window()))
                    .sideOutputLateData(LATE)
                    .aggregate(new PartialMerger(), new UnsaltWindow())
                    .name("window-aggregate").uid("window-aggregate");
            aggregates = salted.keyBy(new AggregationKey())
                    .window(TumblingEventTimeWindows.of(settings.window()))
                    .aggregate(new PartialMerger(), new StampWindow(view))
                    .name("merge-salted").uid("merge-salted");
            lateSource = salted;
        } else {
            aggregates = partials
                    .keyBy(new AggregationKey())
                    .window(TumblingEventTimeWindows.of(settings.window()))
                    .sideOutputLateData(LATE)
                    .aggregate(new PartialMerger(), new StampWindow(view))
                    .name("window-aggregate").uid("window-aggregate");
            lateSource = aggregates;
        }
        aggregates.sinkTo(sink).name("agg-topics").uid("agg-topics");
        // events too late for their (already emitted) window: stored raw as always, and accounted for in the DLQ
        long toleranceMs = outOfOrderness.toMillis();
        lateSource.getSideOutput(LATE).sinkTo(KafkaSink.<PartialAggregate>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setRecordSerializer((KafkaRecordSerializationSchema<PartialAggregate>) (late, context, timestamp) ->
                        lateDeadLetter(late, toleranceMs))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build()).name("late-events-dlq").uid("late-events-dlq");
    }

    /**
     * The dead letter of a late partial: the event itself when it is one (the pre-aggregator sends events whose window
     * has ended alone, so late ones are), else a description of the events it folded.
     */
    static ProducerRecord<byte[], byte[]> lateDeadLetter(PartialAggregate late, long toleranceMs) {
        if (late.single != null) {
            return lateDeadLetter(late.single, toleranceMs);
        }
        // not expected: a folded partial was on time by the pre-aggregator's watermark, and the window operator's is
        // never ahead of it; should it happen, the dead letter names the series and window and carries the sums
        KeyedEvent summary = new KeyedEvent();
        int split = late.key.indexOf('\u0000');
        summary.stream = late.key.substring(0, split);
        summary.series = late.key.substring(split + 1);
        summary.eventTimeMs = late.eventTimeMs;
        summary.fields = late.folded.fields;
        summary.values = late.folded.sums;
        return lateDeadLetter(summary, toleranceMs);
    }

    /** Writes the JSON of late events' dead letters; these are rare (late events only), not per event. */
    private static final ObjectMapper DEAD_LETTER_JSON = new ObjectMapper();

    private static byte[] writeJson(ObjectNode json) {
        try {
            return DEAD_LETTER_JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            // a tree of strings and numbers always serializes
            throw new IllegalStateException(e);
        }
    }

    private static final OutputTag<PartialAggregate> LATE = new OutputTag<>("late-events", TypeInformation.of(PartialAggregate.class));

    /**
     * The dead letter of a late event: a JSON description (the event itself stays in storage), with headers naming
     * the reason and stage {@code process}, and marked not replayable.
     */
    static ProducerRecord<byte[], byte[]> lateDeadLetter(KeyedEvent event, long toleranceMs) {
        ObjectNode json = DEAD_LETTER_JSON.createObjectNode()
                .put("stream", event.stream)
                .put("series", event.series.replace("\u001f", "|"))
                .put("eventTimeMs", event.eventTimeMs);
        ObjectNode fields = json.putObject("fields");
        for (int i = 0; i < event.fields.length; i++) {
            double v = event.values[i];
            if (Double.isFinite(v)) {
                fields.put(event.fields[i], v);
            } else {
                fields.putNull(event.fields[i]);
            }
        }
        String reason = "late for its window: event time " + event.eventTimeMs + " ms is behind the stream's watermark by more than"
                + " aggregation.out-of-orderness=" + toleranceMs + " ms; it is stored raw but not in the aggregates";
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.DLQ_STAGE, "process".getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.DLQ_TIME_MS, Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.DLQ_CONTENT_TYPE, "application/json".getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.DLQ_REPLAYABLE, "false".getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(TopicNames.deadLetter(event.stream), null, null, event.series.getBytes(StandardCharsets.UTF_8),
                writeJson(json), headers);
    }

    /**
     * Releases what the job's operators share per JVM (the schema catalog readers). Call after cancelling the job on
     * an in-JVM MiniCluster; a remote cluster's task managers release theirs when they stop.
     */
    public static void releaseSharedResources() {
        SharedCatalogs.closeAll();
    }

    static final class AggregationKey implements KeySelector<PartialAggregate, String> {
        @Override
        public String getKey(PartialAggregate partial) {
            return partial.key;
        }
    }

    /** The salted stage's result: a partial of the unsalted key, at the window's last instant, for the merging stage. */
    static final class UnsaltWindow extends ProcessWindowFunction<WindowAggregate, PartialAggregate, String, TimeWindow> {
        @Override
        public void process(String key, Context context, Iterable<WindowAggregate> elements, Collector<PartialAggregate> out) {
            for (WindowAggregate aggregate : elements) {
                PartialAggregate partial = new PartialAggregate();
                partial.key = KeySalter.unsalted(key);
                partial.eventTimeMs = context.window().maxTimestamp();
                partial.folded = aggregate;
                out.collect(partial);
            }
        }
    }

    static final class StampWindow extends ProcessWindowFunction<WindowAggregate, WindowAggregate, String, TimeWindow> {
        private final String view;

        StampWindow(String view) {
            this.view = view;
        }

        @Override
        public void process(String key, Context context, Iterable<WindowAggregate> elements, Collector<WindowAggregate> out) {
            int split = key.indexOf('\u0000');
            for (WindowAggregate aggregate : elements) {
                aggregate.stream = key.substring(0, split);
                aggregate.series = key.substring(split + 1);
                aggregate.view = view;
                aggregate.windowStartMs = context.window().getStart();
                aggregate.windowEndMs = context.window().getEnd();
                out.collect(aggregate);
            }
        }
    }
}
