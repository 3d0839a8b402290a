package io.platform.processing.jobs;

import io.platform.wire.schema.StreamSchema;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.types.RowUtils;

/**
 * How a stream's events look inside a job: one Flink {@link Row} per event, its fields named and typed after the
 * stream's Avro schema (string and enum → STRING, int → INT, long → BIGINT, float → FLOAT, double → DOUBLE,
 * boolean → BOOLEAN, bytes and fixed → BYTES; a nullable union takes its other branch's type; arrays, maps and nested
 * records arrive as their JSON text). Rows rather than Avro records because Flink serializes rows with its own
 * typed serializers and SQL maps them to tables; Avro records would fall back to Kryo. Stateless and thread-safe.
 */
public final class StreamRows {
    private StreamRows() {
    }

    /** The row type of {@code schema}'s events, fields in schema order. */
    public static RowTypeInfo typeOf(StreamSchema schema) {
        List<Schema.Field> fields = schema.schema().getFields();
        TypeInformation<?>[] types = new TypeInformation<?>[fields.size()];
        String[] names = new String[fields.size()];
        for (int i = 0; i < types.length; i++) {
            names[i] = fields.get(i).name();
            types[i] = typeOf(StreamSchema.unwrapNullable(fields.get(i).schema()));
        }
        return new RowTypeInfo(types, names);
    }

    private static TypeInformation<?> typeOf(Schema field) {
        return switch (field.getType()) {
            case STRING, ENUM -> Types.STRING;
            case INT -> Types.INT;
            case LONG -> Types.LONG;
            case FLOAT -> Types.FLOAT;
            case DOUBLE -> Types.DOUBLE;
            case BOOLEAN -> Types.BOOLEAN;
            case BYTES, FIXED -> Types.PRIMITIVE_ARRAY(Types.BYTE);
            default -> Types.STRING;
        };
    }

    /** Positions by field name, for {@link #toRow}: rows built with it answer {@code getField("name")} as well as by position. */
    public static LinkedHashMap<String, Integer> positions(RowTypeInfo type) {
        return fieldPositions(List.of(type.getFieldNames()));
    }

    /** {@code record} (already resolved to the row type's schema) as a row; {@code positions} from {@link #positions}. */
    public static Row toRow(GenericRecord record, LinkedHashMap<String, Integer> positions) {
        Object[] values = new Object[positions.size()];
        List<Schema.Field> fields = record.getSchema().getFields();
        for (int i = 0; i < values.length; i++) {
            values[i] = toFlink(record.get(i), StreamSchema.unwrapNullable(fields.get(i).schema()));
        }
        return RowUtils.createRowWithNamedPositions(RowKind.INSERT, values, positions);
    }

    private static Object toFlink(Object value, Schema field) {
        if (value == null) {
            return null;
        }
        return switch (field.getType()) {
            case STRING, ENUM -> value.toString();
            case INT, LONG, FLOAT, DOUBLE, BOOLEAN -> value;
            case BYTES -> {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                yield bytes;
            }
            case FIXED -> ((GenericData.Fixed) value).bytes().clone();
            default -> GenericData.get().toString(value);
        };
    }

    /**
     * A row as a record of {@code target}'s schema, field by name: each schema field takes the row's field of the same
     * name, converted to the schema's type (any number to int/long/float/double; a timestamp to epoch milliseconds, or
     * microseconds for a {@code timestamp-micros} field; anything to a string by its text). A field the row lacks takes
     * the schema's default, or null where the schema allows it.
     *
     * @param positions the row's field positions by name, or null to read the fields by the names the row carries
     * @throws IllegalArgumentException naming the field, when a value cannot take the schema's type
     */
    public static GenericRecord toRecord(Row row, Map<String, Integer> positions, Schema target) {
        Set<String> names = positions == null ? row.getFieldNames(true) : positions.keySet();
        GenericData.Record record = new GenericData.Record(target);
        for (Schema.Field field : target.getFields()) {
            boolean present = names.contains(field.name());
            Object value = !present ? null : positions == null ? row.getField(field.name())
                    : row.getField(positions.get(field.name()).intValue());
            if (value == null) {
                record.put(field.pos(), !present && field.hasDefaultValue() ? GenericData.get().getDefaultValue(field) : null);
                continue;
            }
            record.put(field.pos(), toAvro(value, field));
        }
        return record;
    }

    /** Positions by name of fields named {@code names}, in that order. */
    public static LinkedHashMap<String, Integer> fieldPositions(List<String> names) {
        LinkedHashMap<String, Integer> positions = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            positions.put(names.get(i), i);
        }
        return positions;
    }

    private static Object toAvro(Object value, Schema.Field field) {
        Schema type = StreamSchema.unwrapNullable(field.schema());
        boolean micros = type.getLogicalType() != null && type.getLogicalType().getName().startsWith("timestamp-micros");
        if (value instanceof LocalDateTime time) {
            value = time.toInstant(ZoneOffset.UTC);
        }
        if (value instanceof Instant instant) {
            value = micros ? instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000 : instant.toEpochMilli();
        }
        switch (type.getType()) {
            case STRING:
                return value.toString();
            case INT:
            case LONG:
            case FLOAT:
            case DOUBLE:
                if (!(value instanceof Number number)) {
                    throw new IllegalArgumentException("field '" + field.name() + "' is " + type.getType().getName()
                            + " in the stream's schema but the job gave "
                            + value.getClass().getSimpleName() + " '" + value + "'; cast it in the job (e.g. CAST(x AS DOUBLE))");
                }
                return switch (type.getType()) {
                    case INT -> number.intValue();
                    case LONG -> number.longValue();
                    case FLOAT -> number.floatValue();
                    default -> number.doubleValue();
                };
            case BOOLEAN:
                if (value instanceof Boolean) {
                    return value;
                }
                throw new IllegalArgumentException("field '" + field.name()
                        + "' is boolean in the stream's schema but the job gave '" + value + "'");
            case BYTES:
                return ByteBuffer.wrap(value instanceof byte[] bytes ? bytes : value.toString().getBytes(StandardCharsets.UTF_8));
            default:
                throw new IllegalArgumentException("field '" + field.name() + "' of type " + type.getType().getName()
                        + " cannot be written by a job: only strings, numbers, booleans and bytes");
        }
    }
}
