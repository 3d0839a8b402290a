package io.platform.ingest.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Turns a plain JSON object (as people write it, without Avro's union wrapping) into a record of an Avro schema,
 * with one clear reason when it does not fit: a missing field without default, an unknown field, a wrong type or an
 * out-of-range number. Stateless and thread-safe.
 */
final class JsonRecordDecoder {
    private JsonRecordDecoder() {
    }

    static GenericRecord decode(JsonNode json, Schema schema) throws InvalidEventException {
        if (json == null || !json.isObject()) {
            throw new InvalidEventException("event must be a JSON object, got " + (json == null ? "nothing" : json.getNodeType()));
        }
        return (GenericRecord) value(json, schema, "");
    }

    private static Object value(JsonNode json, Schema schema, String path) throws InvalidEventException {
        switch (schema.getType()) {
            case RECORD -> {
                if (!json.isObject()) {
                    throw mismatch(path, "object", json);
                }
                GenericRecord record = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
                    JsonNode node = json.get(field.name());
                    if (node == null) {
                        if (!field.hasDefaultValue()) {
                            throw new InvalidEventException("missing field '" + fieldPath + "' (" + typeName(field.schema()) + ")");
                        }
                        record.put(field.pos(), GenericData.get().getDefaultValue(field));
                    } else {
                        record.put(field.pos(), value(node, field.schema(), fieldPath));
                    }
                }
                Iterator<String> names = json.fieldNames();
                while (names.hasNext()) {
                    String name = names.next();
                    if (schema.getField(name) == null) {
                        throw new InvalidEventException("unknown field '" + (path.isEmpty() ? name : path + "." + name)
                                + "': the schema has " + schema.getFields().stream().map(Schema.Field::name).toList());
                    }
                }
                return record;
            }
            case UNION -> {
                if (json.isNull()) {
                    for (Schema branch : schema.getTypes()) {
                        if (branch.getType() == Schema.Type.NULL) {
                            return null;
                        }
                    }
                    throw mismatch(path, typeName(schema), json);
                }
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() == Schema.Type.NULL) {
                        continue;
                    }
                    try {
                        return value(json, branch, path);
                    } catch (InvalidEventException e) {
                        // try the next branch
                    }
                }
                throw mismatch(path, typeName(schema), json);
            }
            case NULL -> {
                if (!json.isNull()) {
                    throw mismatch(path, "null", json);
                }
                return null;
            }
            case BOOLEAN -> {
                if (!json.isBoolean()) {
                    throw mismatch(path, "boolean", json);
                }
                return json.booleanValue();
            }
            case INT -> {
                if (!json.isIntegralNumber() || !json.canConvertToInt()) {
                    throw mismatch(path, "int", json);
                }
                return json.intValue();
            }
            case LONG -> {
                if (!json.isIntegralNumber() || !json.canConvertToLong()) {
                    throw mismatch(path, "long", json);
                }
                return json.longValue();
            }
            case FLOAT -> {
                if (!json.isNumber()) {
                    throw mismatch(path, "float", json);
                }
                return json.floatValue();
            }
            case DOUBLE -> {
                if (!json.isNumber()) {
                    throw mismatch(path, "double", json);
                }
                return json.doubleValue();
            }
            case STRING -> {
                if (!json.isTextual()) {
                    throw mismatch(path, "string", json);
                }
                return json.textValue();
            }
            case ENUM -> {
                if (!json.isTextual() || !schema.hasEnumSymbol(json.textValue())) {
                    throw mismatch(path, "one of " + schema.getEnumSymbols(), json);
                }
                return new GenericData.EnumSymbol(schema, json.textValue());
            }
            case BYTES -> {
                if (!json.isTextual()) {
                    throw mismatch(path, "bytes (as a string)", json);
                }
                return ByteBuffer.wrap(json.textValue().getBytes(StandardCharsets.ISO_8859_1));
            }
            case FIXED -> {
                if (!json.isTextual() || json.textValue().length() != schema.getFixedSize()) {
                    throw mismatch(path, "fixed(" + schema.getFixedSize() + ")", json);
                }
                return new GenericData.Fixed(schema, json.textValue().getBytes(StandardCharsets.ISO_8859_1));
            }
            case ARRAY -> {
                if (!json.isArray()) {
                    throw mismatch(path, "array", json);
                }
                List<Object> items = new ArrayList<>(json.size());
                for (int i = 0; i < json.size(); i++) {
                    items.add(value(json.get(i), schema.getElementType(), path + "[" + i + "]"));
                }
                return new GenericData.Array<>(schema, items);
            }
            case MAP -> {
                if (!json.isObject()) {
                    throw mismatch(path, "map (object)", json);
                }
                Map<String, Object> map = new HashMap<>();
                var fields = json.fields();
                while (fields.hasNext()) {
                    var entry = fields.next();
                    map.put(entry.getKey(), value(entry.getValue(), schema.getValueType(), path + "." + entry.getKey()));
                }
                return map;
            }
            default -> throw new InvalidEventException("unsupported schema type " + schema.getType() + " at '" + path + "'");
        }
    }

    private static InvalidEventException mismatch(String path, String expected, JsonNode actual) {
        String shown = actual.toString();
        if (shown.length() > 40) {
            shown = shown.substring(0, 40) + "...";
        }
        return new InvalidEventException("field '" + path + "' must be " + expected + ", got " + actual.getNodeType().name().toLowerCase()
                + " " + shown);
    }

    private static String typeName(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            return schema.getTypes().stream().map(s -> s.getType().getName()).toList().toString();
        }
        return schema.getType().getName();
    }
}
