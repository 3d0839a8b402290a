package io.platform.processing.aggregation;

import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import io.platform.observability.tracing.Tracing;
import io.platform.processing.SharedCatalogs;
import io.platform.wire.EventHeaders;
import io.platform.wire.TopicNames;
import io.platform.wire.WireFormat;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    private transient Map<Integer, GenericDatumReader<GenericRecord>> readers;
    private transient BinaryDecoder decoder;
    private transient GenericRecord reuse;

    EventDeserializer(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    // the traceparent of the last traced record, to make one span per traced batch; not part of the job's state
    private transient byte[] lastTraceparent;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        catalog = SharedCatalogs.of(bootstrapServers);
        readers = new HashMap<>();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KeyedEvent> out) {
        byte[] value = record.value();
        if (value == null || WireFormat.framingError(value, 0, value.length) != null) {
            return;
        }
        StreamSchema schema = catalog.awaitById(WireFormat.schemaId(value), 10_000);
        if (schema == null) {
            LOG.warn("skipping record of unknown schema id={} topic={} offset={}", WireFormat.schemaId(value), record.topic(), record.offset());
            return;
        }
        GenericRecord decoded;
        try {
            decoder = DecoderFactory.get().binaryDecoder(value, WireFormat.BODY_OFFSET, value.length - WireFormat.BODY_OFFSET, decoder);
            decoded = readers.computeIfAbsent(schema.id(), id -> new GenericDatumReader<>(schema.schema())).read(null, decoder);
        } catch (IOException | RuntimeException e) {
            LOG.warn("skipping undecodable record topic={} offset={} reason={}", record.topic(), record.offset(), e.toString());
            return;
        }
        KeyedEvent event = new KeyedEvent();
        event.stream = TopicNames.streamOf(record.topic());
        event.series = record.key() == null ? schema.seriesKey(decoded) : new String(record.key(), StandardCharsets.UTF_8);
        long headerTime = EventHeaders.readTime(record.headers(), EventHeaders.EVENT_TIME_OFFSET, Long.MIN_VALUE);
        event.eventTimeMs = headerTime != Long.MIN_VALUE ? headerTime : schema.eventTimeMs(decoded);
        List<String> numeric = schema.numericFields();
        event.fields = numeric.toArray(new String[0]);
        event.values = new double[event.fields.length];
        for (int i = 0; i < event.fields.length; i++) {
            Object v = decoded.get(event.fields[i]);
            event.values[i] = v == null ? Double.NaN : ((Number) v).doubleValue();
        }
        LatencyMetrics.global().recordNanos(Stage.PROCESS, (System.currentTimeMillis() - record.timestamp()) * 1_000_000L);
        continueTrace(record, event.stream);
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
        org.apache.kafka.common.header.Header header = record.headers().lastHeader(Tracing.TRACEPARENT);
        if (header == null || java.util.Arrays.equals(header.value(), lastTraceparent)) {
            return;
        }
        lastTraceparent = header.value();
        io.opentelemetry.api.trace.SpanContext parent = Tracing.parentOf(lastTraceparent);
        if (parent != null) {
            Tracing.global().tracer().spanBuilder("flink.process").setParent(Tracing.contextOf(parent))
                    .setStartTimestamp(record.timestamp(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .setAttribute(Tracing.STREAM, stream).startSpan().end();
        }
    }
}
