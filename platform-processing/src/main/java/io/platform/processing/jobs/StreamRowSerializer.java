package io.platform.processing.jobs;

import io.platform.wire.WireFormat;
import io.platform.wire.schema.StreamSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import java.util.Optional;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.types.Row;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a job's rows into a stream the way a producer of that stream would: each row becomes a record of the
 * stream's schema (fields matched by name, see {@link StreamRows#toRecord}), framed in the wire format with the
 * schema's id and keyed by its series, into {@code ingest.<stream>}. Storage then validates and stores it like any
 * event, so a job's output is queryable and can feed further jobs.
 */
final class StreamRowSerializer implements KafkaRecordSerializationSchema<Row>, KafkaDatasetFacetProvider {
    private final String stream;
    private final String topic;
    private final int schemaId;
    // the target schema as the registry stores it (StreamSchema.toJson): Avro or Protobuf, time field, series key
    private final String schemaRecord;
    private final List<String> declaredNames;
    private transient StreamSchema schema;
    private transient GenericDatumWriter<GenericRecord> writer;
    private transient ByteArrayOutputStream body;
    private transient BinaryEncoder encoder;
    private transient Map<String, Integer> positions;

    /** @param declaredNames the rows' field names as the job's type declares them, used when rows carry no names */
    StreamRowSerializer(StreamSchema target, List<String> declaredNames) {
        this.stream = target.stream();
        this.topic = target.ingestTopic();
        this.schemaId = target.id();
        this.schemaRecord = target.toJson();
        this.declaredNames = declaredNames == null ? null : List.copyOf(declaredNames);
    }

    /** The one topic this writes to: the Kafka sink's POOLING transactions list the open transactions on it at restore. */
    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
        return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic))));
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        schema = StreamSchema.fromJson(schemaRecord);
        writer = new GenericDatumWriter<>(schema.schema());
        body = new ByteArrayOutputStream(256);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Row row, KafkaSinkContext context, Long timestamp) {
        // rows from SQL and Row.withNames() carry their names; positional rows are read by the declared names
        if (positions == null && row.getFieldNames(true) == null) {
            positions = declaredPositions();
        }
        GenericRecord record = StreamRows.toRecord(row, row.getFieldNames(true) == null ? positions : null, schema.schema());
        byte[] key = schema.seriesKey(record).getBytes(StandardCharsets.UTF_8);
        if (schema.protobuf() != null) {
            try {
                return new ProducerRecord<>(topic, null, schema.eventTimeMs(record), key, schema.protobuf().encode(record));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("a row of the job does not fit stream '" + stream + "': " + e.getMessage(), e);
            }
        }
        body.reset();
        encoder = EncoderFactory.get().directBinaryEncoder(body, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("a row of the job does not fit stream '" + stream + "': " + e.getMessage(), e);
        }
        byte[] bytes = body.toByteArray();
        return new ProducerRecord<>(topic, null, schema.eventTimeMs(record), key, WireFormat.encode(schemaId, bytes));
    }

    private Map<String, Integer> declaredPositions() {
        if (declaredNames == null) {
            throw new IllegalArgumentException("rows written to stream '" + stream
                    + "' carry no field names: build them with Row.withNames()"
                    + " or declare the stream's type (e.g. .returns(StreamRows.typeOf(context.schemaOf(\"" + stream + "\"))))");
        }
        return StreamRows.fieldPositions(declaredNames);
    }
}
