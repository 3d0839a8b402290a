package io.platform.processing.aggregation;

import io.opentelemetry.api.trace.SpanContext;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import io.platform.observability.tracing.Tracing;
import io.platform.processing.SharedCatalogs;
import io.platform.wire.EventHeaders;
import io.platform.wire.PackedEvents;
import io.platform.wire.TopicNames;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import io.platform.wire.schema.WireRecordDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes wire-format records of {@code ingest.*} into {@link KeyedEvent}s, with readers cached per schema id.
 * Records the {@code process} stage: Kafka append time to decode. One instance per source reader (not shared).
 */
final class EventDeserializer implements KafkaRecordDeserializationSchema<KeyedEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(EventDeserializer.class);

    private final String bootstrapServers;
    private transient SchemaCatalog catalog;
    private transient WireRecordDecoder records;

    EventDeserializer(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    // the traceparent of the last traced record, to make one span per traced batch; not part of the job's state
    private transient byte[] lastTraceparent;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        catalog = SharedCatalogs.of(bootstrapServers);
        // a record may arrive before the catalog's reader has seen its just-registered schema: wait for it
        records = new WireRecordDecoder(catalog, null, 10_000);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KeyedEvent> out) {
        byte[] value = record.value();
        if (value == null) {
            return;
        }
        String stream = TopicNames.streamOf(record.topic());
        long headerTime = EventHeaders.readTime(record.headers(), EventHeaders.EVENT_TIME_OFFSET, Long.MIN_VALUE);
        int events = 1;
        if (PackedEvents.isPacked(value)) {
            // many events in one record (the gateway's packed batches); storage dead-letters one that does not hold together
            String malformation = PackedEvents.malformation(value);
            if (malformation != null) {
                LOG.warn("skipping malformed packed record topic={} offset={} reason={}", record.topic(), record.offset(), malformation);
                return;
            }
            PackedEvents.Cursor entries = new PackedEvents.Cursor(value);
            events = entries.count();
            while (entries.next()) {
                // the times header says the gateway validated the record and its entries' times are the events' own
                emit(record, stream, entries.value(), entries.series(), headerTime != Long.MIN_VALUE
                        ? entries.eventTimeMs() : Long.MIN_VALUE, out);
            }
        } else {
            emit(record, stream, value, record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8), headerTime, out);
        }
        LatencyMetrics.global().stage(Stage.PROCESS).recordNanos((System.currentTimeMillis() - record.timestamp()) * 1_000_000L, events);
        continueTrace(record, stream);
    }

    /**
     * Decodes one wire-format event and hands it on.
     *
     * @param series the event's series, or null to take it from the decoded event
     * @param eventTimeMs the event's time, or {@link Long#MIN_VALUE} to take it from the decoded event
     */
    private void emit(ConsumerRecord<byte[], byte[]> record, String stream, byte[] value, String series, long eventTimeMs,
                      Collector<KeyedEvent> out) {
        GenericRecord decoded;
        try {
            decoded = records.decodeOrExplain(value, null);
        } catch (WireRecordDecoder.UndecodableException e) {
            // storage dead-letters such records (it is the first reader of what bypassed the gateway); the job skips them
            LOG.warn("skipping undecodable record topic={} offset={} reason={}", record.topic(), record.offset(), e.getMessage());
            return;
        }
        StreamSchema schema = records.lastWriter();
        KeyedEvent event = new KeyedEvent();
        event.stream = stream;
        event.series = series == null ? schema.seriesKey(decoded) : series;
        event.eventTimeMs = eventTimeMs != Long.MIN_VALUE ? eventTimeMs : schema.eventTimeMs(decoded);
        List<String> numeric = schema.numericFields();
        event.fields = numeric.toArray(new String[0]);
        event.values = new double[event.fields.length];
        for (int i = 0; i < event.fields.length; i++) {
            Object v = decoded.get(event.fields[i]);
            event.values[i] = v == null ? Double.NaN : ((Number) v).doubleValue();
        }
        out.collect(event);
    }

    @Override
    public TypeInformation<KeyedEvent> getProducedType() {
        return TypeInformation.of(KeyedEvent.class);
    }

    /**
     * For a record of a traced batch, a {@code flink.process} span under the batch's span: from the record's Kafka
     * timestamp to its arrival in the job, as the process stage measures it. A batch's records share one traceparent,
     * so a span is made only when it differs from the previous record's: one span per batch, not per event.
     */
    private void continueTrace(ConsumerRecord<byte[], byte[]> record, String stream) {
        Header header = record.headers().lastHeader(Tracing.TRACEPARENT);
        if (header == null || Arrays.equals(header.value(), lastTraceparent)) {
            return;
        }
        lastTraceparent = header.value();
        SpanContext parent = Tracing.parentOf(lastTraceparent);
        if (parent != null) {
            Tracing.global().tracer().spanBuilder("flink.process").setParent(Tracing.contextOf(parent))
                    .setStartTimestamp(record.timestamp(), TimeUnit.MILLISECONDS)
                    .setAttribute(Tracing.STREAM, stream).startSpan().end();
        }
    }
}
