package io.platform.wire.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.platform.wire.TopicNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * One registered version of a stream's schema: the Avro record schema, its global id, the event-time field and the
 * fields that make the series key. A stream may declare its schema in Protobuf instead ({@link #format()}): its
 * records then travel as Protobuf, and {@link #schema()} is the equivalent Avro record through which storage, queries
 * and jobs see the fields ({@link ProtoSchema}). Immutable and thread-safe.
 */
public final class StreamSchema {
    /** Separates series-key parts inside a series string; a control character that field values do not carry. */
    public static final char SERIES_SEPARATOR = '\u001f';
    /** The compatibility rule when a stream names none: Confluent's default. */
    public static final String DEFAULT_COMPATIBILITY = "BACKWARD";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String stream;
    private final int version;
    private final int id;
    private final Schema schema;
    private final String timeField;
    private final boolean timeInMicros;
    private final List<String> keyFields;
    private final List<String> numericFields;
    private final String ingestTopic;
    private final String compatibility;
    private final ProtobufRecordCodec protobuf;
    private final BatchPacking batchPacking;

    /** How a stream's records are encoded on the wire; named as Confluent's registry names schema types. */
    public enum Format {
        AVRO,
        PROTOBUF;

        /** The format named by a registry's {@code schemaType} (absent means AVRO), or an error naming the choices. */
        public static Format parse(String schemaType) {
            if (schemaType == null || schemaType.isBlank()) {
                return AVRO;
            }
            try {
                return valueOf(schemaType.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("schemaType '" + schemaType + "' is not supported: use AVRO or PROTOBUF");
            }
        }
    }

    /**
     * Whether the gateway writes the events of a batch of this stream (a TCP/Aeron frame, an HTTP request of several
     * events) as packed records ({@link io.platform.wire.PackedEvents}, one Kafka record per partition and batch) or one
     * record per event. Packing is what puts the gateway ahead of a plain producer; one record per event is what
     * Confluent-framed tools read. A per-stream choice over the node's
     * {@code gateway.pack-batches}, set at registration and kept by later versions unless they set it again.
     */
    public enum BatchPacking {
        /** As the node's {@code gateway.pack-batches} says. */
        NODE_DEFAULT,
        PACKED,
        UNPACKED;

        /** The choice named by a registration's {@code pack} parameter: true, false, or absent (null: keep the stream's). */
        public static BatchPacking parse(String pack) {
            if (pack == null) {
                return null;
            }
            switch (pack.trim().toLowerCase(Locale.ROOT)) {
                case "true":
                    return PACKED;
                case "false":
                    return UNPACKED;
                case "default":
                    return NODE_DEFAULT;
                default:
                    throw new IllegalArgumentException("pack must be true (a record per partition and batch), false (a record per event,"
                            + " what Confluent-framed tools read) or default (the node's gateway.pack-batches), got '" + pack + "'");
            }
        }

        /** Whether batches of the stream are packed on a node whose {@code gateway.pack-batches} is {@code nodeDefault}. */
        public boolean packs(boolean nodeDefault) {
            return this == NODE_DEFAULT ? nodeDefault : this == PACKED;
        }
    }

    private StreamSchema(String stream, int version, int id, Schema schema, String timeField, List<String> keyFields, String compatibility,
                         ProtoSchema proto, BatchPacking batchPacking) {
        this.compatibility = compatibility;
        this.batchPacking = batchPacking;
        this.protobuf = proto == null ? null : new ProtobufRecordCodec(id, proto);
        this.stream = stream;
        this.version = version;
        this.id = id;
        this.schema = schema;
        this.timeField = timeField;
        LogicalType logical = schema.getField(timeField).schema().getLogicalType();
        this.timeInMicros = logical != null && logical.getName().startsWith("timestamp-micros");
        this.keyFields = List.copyOf(keyFields);
        List<String> numeric = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            if (!field.name().equals(timeField) && isNumeric(field.schema())) {
                numeric.add(field.name());
            }
        }
        this.numericFields = Collections.unmodifiableList(numeric);
        this.ingestTopic = TopicNames.ingest(stream);
    }

    /**
     * Validates a schema for use as a stream schema and settles its time field and series key.
     *
     * @param requestedTimeField the time field, or null to infer it
     * @param requestedKeyFields the series-key fields, or null/empty to use every string field
     * @throws IllegalArgumentException with the reason, when the schema cannot serve as a stream schema
     */
    public static StreamSchema define(String stream, int version, int id, Schema schema,
                                      String requestedTimeField, List<String> requestedKeyFields) {
        return define(stream, version, id, schema, requestedTimeField, requestedKeyFields, DEFAULT_COMPATIBILITY);
    }

    /** As {@link #define(String, int, int, Schema, String, List)}, with the stream's compatibility rule for later versions. */
    public static StreamSchema define(String stream, int version, int id, Schema schema,
                                      String requestedTimeField, List<String> requestedKeyFields, String compatibility) {
        return define(stream, version, id, schema, requestedTimeField, requestedKeyFields, compatibility, null);
    }

    /**
     * Defines a stream schema declared in Protobuf: its fields are those of {@code proto}'s message (seen through its
     * Avro twin); the time field and series key are settled as for Avro.
     */
    public static StreamSchema defineProtobuf(String stream, int version, int id, ProtoSchema proto,
                                              String requestedTimeField, List<String> requestedKeyFields, String compatibility) {
        return define(stream, version, id, proto.avroSchema(), requestedTimeField, requestedKeyFields, compatibility, proto);
    }

    private static StreamSchema define(String stream, int version, int id, Schema schema, String requestedTimeField,
                                       List<String> requestedKeyFields, String compatibility, ProtoSchema proto) {
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("schema of stream=" + stream + " must be an Avro record, got " + schema.getType());
        }
        String timeField = requestedTimeField == null || requestedTimeField.isBlank() ? inferTimeField(schema) : requestedTimeField;
        if (timeField == null) {
            throw new IllegalArgumentException("stream=" + stream + " has no time field: add a long field named ts, time or timestamp"
                    + (proto == null ? " (or with a timestamp logical type)" : " (int64 in Protobuf)") + ", or name it with ?time=<field>");
        }
        Schema.Field time = schema.getField(timeField);
        if (time == null || unwrapNullable(time.schema()).getType() != Schema.Type.LONG) {
            throw new IllegalArgumentException("time field '" + timeField + "' of stream=" + stream
                    + " must be a long field of the schema");
        }
        List<String> keyFields = new ArrayList<>();
        if (requestedKeyFields == null || requestedKeyFields.isEmpty()) {
            for (Schema.Field field : schema.getFields()) {
                if (unwrapNullable(field.schema()).getType() == Schema.Type.STRING) {
                    keyFields.add(field.name());
                }
            }
        } else {
            for (String key : requestedKeyFields) {
                if (schema.getField(key) == null) {
                    throw new IllegalArgumentException("key field '" + key + "' of stream=" + stream + " is not in the schema");
                }
                keyFields.add(key);
            }
        }
        return new StreamSchema(stream, version, id, schema, timeField, keyFields, compatibility, proto, BatchPacking.NODE_DEFAULT);
    }

    private static String inferTimeField(Schema schema) {
        for (Schema.Field field : schema.getFields()) {
            Schema type = unwrapNullable(field.schema());
            LogicalType logical = type.getLogicalType();
            if (type.getType() == Schema.Type.LONG && logical != null && logical.getName().startsWith("timestamp")) {
                return field.name();
            }
        }
        for (Schema.Field field : schema.getFields()) {
            String name = field.name().toLowerCase(Locale.ROOT);
            if (unwrapNullable(field.schema()).getType() == Schema.Type.LONG
                    && (name.equals("ts") || name.equals("time") || name.equals("timestamp"))) {
                return field.name();
            }
        }
        return null;
    }

    /** The non-null branch of a {@code ["null", T]} union, else the schema itself. */
    public static Schema unwrapNullable(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() != Schema.Type.NULL) {
                    return branch;
                }
            }
        }
        return schema;
    }

    private static boolean isNumeric(Schema schema) {
        Schema.Type type = unwrapNullable(schema).getType();
        return type == Schema.Type.INT || type == Schema.Type.LONG || type == Schema.Type.FLOAT || type == Schema.Type.DOUBLE;
    }

    /** The series key of a record: its key-field values joined by {@link #SERIES_SEPARATOR}. */
    public String seriesKey(GenericRecord record) {
        if (keyFields.size() == 1) {
            Object value = record.get(keyFields.get(0));
            return value == null ? "" : value.toString();
        }
        StringBuilder series = new StringBuilder();
        for (int i = 0; i < keyFields.size(); i++) {
            if (i > 0) {
                series.append(SERIES_SEPARATOR);
            }
            Object value = record.get(keyFields.get(i));
            series.append(value == null ? "" : value.toString());
        }
        return series.toString();
    }

    /** The key-field values a series key ({@link #seriesKey}) was joined from, in key order. */
    public String[] keyValues(String series) {
        return keyFields.size() <= 1 ? new String[] {series} : series.split(String.valueOf(SERIES_SEPARATOR), -1);
    }

    /** The event time of a record in epoch milliseconds. */
    public long eventTimeMs(GenericRecord record) {
        Object value = record.get(timeField);
        long raw = value == null ? 0L : ((Number) value).longValue();
        return timeInMicros ? raw / 1000 : raw;
    }

    public String stream() {
        return stream;
    }

    /** {@code ingest.<stream>}, built once rather than per event. */
    public String ingestTopic() {
        return ingestTopic;
    }

    public int version() {
        return version;
    }

    public int id() {
        return id;
    }

    /** The record schema in Avro: as registered, or the Avro twin of a Protobuf schema. */
    public Schema schema() {
        return schema;
    }

    public Format format() {
        return protobuf == null ? Format.AVRO : Format.PROTOBUF;
    }

    /** The codec of a Protobuf stream's records, or null for an Avro stream. */
    public ProtobufRecordCodec protobuf() {
        return protobuf;
    }

    /** The schema's text as registered: Avro JSON, or the {@code .proto} file of a Protobuf schema. */
    public String source() {
        return protobuf == null ? schema.toString() : protobuf.proto().source();
    }

    /** The compatibility rule the next version of this stream is checked against (BACKWARD, FULL_TRANSITIVE, ...). */
    public String compatibility() {
        return compatibility;
    }

    /** How the gateway writes this stream's batches to Kafka. */
    public BatchPacking batchPacking() {
        return batchPacking;
    }

    /** This version with another {@link BatchPacking}. */
    public StreamSchema withBatchPacking(BatchPacking packing) {
        return packing == batchPacking ? this : new StreamSchema(stream, version, id, schema, timeField, keyFields, compatibility,
                protobuf == null ? null : protobuf.proto(), packing);
    }

    public String timeField() {
        return timeField;
    }

    public boolean timeInMicros() {
        return timeInMicros;
    }

    public List<String> keyFields() {
        return keyFields;
    }

    /** Numeric fields other than the time field: the ones windowed aggregates summarise. */
    public List<String> numericFields() {
        return numericFields;
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("stream", stream);
        node.put("version", version);
        node.put("id", id);
        node.put("schema", source());
        if (protobuf != null) {
            node.put("schemaType", Format.PROTOBUF.name());
        }
        node.put("timeField", timeField);
        node.putPOJO("keyFields", keyFields);
        node.put("compatibility", compatibility);
        if (batchPacking != BatchPacking.NODE_DEFAULT) {
            node.put("batchPacking", batchPacking.name());
        }
        return node.toString();
    }

    public static StreamSchema fromJson(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            List<String> keys = new ArrayList<>();
            node.get("keyFields").forEach(k -> keys.add(k.asText()));
            String compatibility = node.has("compatibility") ? node.get("compatibility").asText() : DEFAULT_COMPATIBILITY;
            // absent in records written before streams chose their packing
            BatchPacking packing = node.has("batchPacking") ? BatchPacking.valueOf(node.get("batchPacking").asText())
                    : BatchPacking.NODE_DEFAULT;
            if (node.has("schemaType") && Format.parse(node.get("schemaType").asText()) == Format.PROTOBUF) {
                return defineProtobuf(node.get("stream").asText(), node.get("version").asInt(), node.get("id").asInt(),
                        ProtoSchema.parse(node.get("schema").asText()), node.get("timeField").asText(), keys, compatibility)
                        .withBatchPacking(packing);
            }
            Schema schema = new Schema.Parser().parse(node.get("schema").asText());
            return define(node.get("stream").asText(), node.get("version").asInt(), node.get("id").asInt(), schema,
                    node.get("timeField").asText(), keys, compatibility).withBatchPacking(packing);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable schema record: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "StreamSchema{stream=" + stream + ", version=" + version + ", id=" + id + ", format=" + format() + ", time=" + timeField
                + ", keys=" + keyFields + "}";
    }
}
