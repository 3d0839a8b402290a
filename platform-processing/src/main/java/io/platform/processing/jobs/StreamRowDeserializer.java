package io.platform.processing.jobs;

import io.platform.processing.SharedCatalogs;
import io.platform.wire.WireFormat;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
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
 * events of older and newer compatible versions arrive in one shape. One reader per writer schema id. Records that are
 * not framed or do not decode were never acknowledged by a gateway (storage dead-letters them); they are skipped here.
 */
final class StreamRowDeserializer implements KafkaRecordDeserializationSchema<Row> {
    private static final Logger LOG = LoggerFactory.getLogger(StreamRowDeserializer.class);

    private final String bootstrapServers;
    private final String readerSchemaJson;
    private final RowTypeInfo rowType;
    private transient SchemaCatalog catalog;
    private transient Schema readerSchema;
    private transient Map<Integer, GenericDatumReader<GenericRecord>> readers;
    private transient LinkedHashMap<String, Integer> positions;
    private transient BinaryDecoder decoder;

    StreamRowDeserializer(String bootstrapServers, StreamSchema readerSchema) {
        this.bootstrapServers = bootstrapServers;
        this.readerSchemaJson = readerSchema.schema().toString();
        this.rowType = StreamRows.typeOf(readerSchema);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        catalog = SharedCatalogs.of(bootstrapServers);
        readerSchema = new Schema.Parser().parse(readerSchemaJson);
        readers = new HashMap<>();
        positions = StreamRows.positions(rowType);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Row> out) {
        byte[] value = record.value();
        if (value == null || WireFormat.framingError(value, 0, value.length) != null) {
            return;
        }
        StreamSchema writer = catalog.awaitById(WireFormat.schemaId(value), 10_000);
        if (writer == null) {
            LOG.warn("skipping record of unknown schema id={} topic={} offset={}", WireFormat.schemaId(value), record.topic(), record.offset());
            return;
        }
        try {
            decoder = DecoderFactory.get().binaryDecoder(value, WireFormat.BODY_OFFSET, value.length - WireFormat.BODY_OFFSET, decoder);
            GenericRecord decoded = readers.computeIfAbsent(writer.id(), id -> new GenericDatumReader<>(writer.schema(), readerSchema)).read(null, decoder);
            out.collect(StreamRows.toRow(decoded, positions));
        } catch (IOException | RuntimeException e) {
            LOG.warn("skipping undecodable record topic={} offset={} reason={}", record.topic(), record.offset(), e.toString());
        }
    }

    @Override
    public TypeInformation<Row> getProducedType() {
        return rowType;
    }
}
