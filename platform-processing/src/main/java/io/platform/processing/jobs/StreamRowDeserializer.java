package io.platform.processing.jobs;

import io.platform.processing.SharedCatalogs;
import io.platform.wire.PackedEvents;
import io.platform.wire.schema.StreamSchema;
import io.platform.wire.schema.WireRecordDecoder;
import java.util.LinkedHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a stream's wire-format records into {@link StreamRows rows} of the schema version the job was defined
 * with: each record is read with the schema it was written with and resolved to that version by Avro's rules, so
 * events of older and newer compatible versions arrive in one shape ({@link WireRecordDecoder}). Records that are
 * not framed or do not decode were never acknowledged by a gateway (storage dead-letters them); they are skipped here.
 */
final class StreamRowDeserializer implements KafkaRecordDeserializationSchema<Row> {
    private static final Logger LOG = LoggerFactory.getLogger(StreamRowDeserializer.class);

    private final String bootstrapServers;
    private final String readerSchemaJson;
    private final RowTypeInfo rowType;
    private transient WireRecordDecoder decoder;
    private transient LinkedHashMap<String, Integer> positions;

    StreamRowDeserializer(String bootstrapServers, StreamSchema readerSchema) {
        this.bootstrapServers = bootstrapServers;
        this.readerSchemaJson = readerSchema.schema().toString();
        this.rowType = StreamRows.typeOf(readerSchema);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        decoder = new WireRecordDecoder(SharedCatalogs.of(bootstrapServers), new Schema.Parser().parse(readerSchemaJson), 10_000);
        positions = StreamRows.positions(rowType);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Row> out) {
        byte[] value = record.value();
        if (value == null) {
            return;
        }
        if (!PackedEvents.isPacked(value)) {
            emit(record, value, out);
            return;
        }
        // the gateway's packed batches: one record, many events; storage dead-letters one that does not hold together
        String malformation = PackedEvents.malformation(value);
        if (malformation != null) {
            LOG.warn("skipping malformed packed record topic={} offset={} reason={}", record.topic(), record.offset(), malformation);
            return;
        }
        PackedEvents.Cursor entries = new PackedEvents.Cursor(value);
        while (entries.next()) {
            emit(record, entries.value(), out);
        }
    }

    private void emit(ConsumerRecord<byte[], byte[]> record, byte[] value, Collector<Row> out) {
        GenericRecord decoded = decoder.decode(value);
        if (decoded == null) {
            LOG.warn("skipping a record that is not framed, names a schema id unknown after 10 s, or does not decode: topic={} offset={}",
                    record.topic(), record.offset());
            return;
        }
        out.collect(StreamRows.toRow(decoded, positions));
    }

    @Override
    public TypeInformation<Row> getProducedType() {
        return rowType;
    }
}
