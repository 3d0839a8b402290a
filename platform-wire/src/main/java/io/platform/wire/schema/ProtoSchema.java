package io.platform.wire.schema;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

/**
 * A stream schema declared in Protobuf (proto3): the {@code .proto} text as registered, the one message that is the
 * stream's record, the protobuf-java descriptor built from it (which validates it as {@code protoc} would: duplicate
 * numbers, reserved ranges) and the equivalent Avro record schema through which the rest of the platform (storage
 * columns, queries, jobs' tables) sees the stream's fields.
 *
 * <p>Rows are flat, so a stream's message holds scalar fields only: {@code double float int32 int64 uint32 uint64
 * sint32 sint64 fixed32 fixed64 sfixed32 sfixed64 bool string bytes}, each optionally {@code optional}. Nested
 * messages, enums, {@code repeated}, {@code map}, {@code oneof} and imports are refused with the reason. A field
 * without {@code optional} has proto3's implicit presence (absent means zero), so its Avro twin is not nullable and
 * has the zero value as default; an {@code optional} field is a nullable Avro field with default null. Every field
 * having a default is what makes adding and removing fields compatible, as protobuf intends. Immutable.
 */
public final class ProtoSchema {
    /** One field of the stream's message. */
    public record Field(String name, int number, String protoType, boolean optional, int avroPosition) {
        /** The protobuf wire type of this field's tag: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
        public int wireType() {
            return switch (protoType) {
                case "double", "fixed64", "sfixed64" -> 1;
                case "float", "fixed32", "sfixed32" -> 5;
                case "string", "bytes" -> 2;
                default -> 0;
            };
        }
    }

    private static final Map<String, FieldDescriptorProto.Type> SCALARS = Map.ofEntries(
            Map.entry("double", FieldDescriptorProto.Type.TYPE_DOUBLE), Map.entry("float", FieldDescriptorProto.Type.TYPE_FLOAT),
            Map.entry("int32", FieldDescriptorProto.Type.TYPE_INT32), Map.entry("int64", FieldDescriptorProto.Type.TYPE_INT64),
            Map.entry("uint32", FieldDescriptorProto.Type.TYPE_UINT32), Map.entry("uint64", FieldDescriptorProto.Type.TYPE_UINT64),
            Map.entry("sint32", FieldDescriptorProto.Type.TYPE_SINT32), Map.entry("sint64", FieldDescriptorProto.Type.TYPE_SINT64),
            Map.entry("fixed32", FieldDescriptorProto.Type.TYPE_FIXED32), Map.entry("fixed64", FieldDescriptorProto.Type.TYPE_FIXED64),
            Map.entry("sfixed32", FieldDescriptorProto.Type.TYPE_SFIXED32), Map.entry("sfixed64", FieldDescriptorProto.Type.TYPE_SFIXED64),
            Map.entry("bool", FieldDescriptorProto.Type.TYPE_BOOL), Map.entry("string", FieldDescriptorProto.Type.TYPE_STRING),
            Map.entry("bytes", FieldDescriptorProto.Type.TYPE_BYTES));

    private final String source;
    private final String messageName;
    private final List<Field> fields;
    private final Field[] byNumber;
    private final Map<Integer, Field> byLargeNumber;
    private final Descriptors.Descriptor descriptor;
    private final Schema avroSchema;

    private ProtoSchema(String source, String packageName, String messageName, List<Field> fields) {
        this.source = source;
        this.messageName = messageName;
        this.fields = List.copyOf(fields);
        int maxSmall = 0;
        Map<Integer, Field> large = new HashMap<>();
        for (Field field : fields) {
            if (field.number() < 1024) {
                maxSmall = Math.max(maxSmall, field.number());
            } else {
                large.put(field.number(), field);
            }
        }
        // a dense table for the usual small numbers: the decoder's lookup per field is one array read
        this.byNumber = new Field[maxSmall + 1];
        for (Field field : fields) {
            if (field.number() < 1024) {
                byNumber[field.number()] = field;
            }
        }
        this.byLargeNumber = large;
        this.descriptor = buildDescriptor(packageName, messageName, fields);
        this.avroSchema = deriveAvro(packageName, messageName, fields);
    }

    /**
     * Parses the {@code .proto} text of a stream schema.
     *
     * @throws IllegalArgumentException with the reason (and the line), when the text is not a proto3 file with one
     *                                  message of scalar fields
     */
    public static ProtoSchema parse(String source) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("empty Protobuf schema: expected a proto3 file with one message");
        }
        return new Parser(source).parseFile();
    }

    /** The text as registered. */
    public String source() {
        return source;
    }

    public String messageName() {
        return messageName;
    }

    /** The message's fields in declaration order (the order of the Avro twin's fields). */
    public List<Field> fields() {
        return fields;
    }

    /** The field with this number, or null when the schema has none (an unknown field, skipped by readers). */
    public Field field(int number) {
        if (number >= 0 && number < byNumber.length) {
            return byNumber[number];
        }
        return byLargeNumber.get(number);
    }

    /** The protobuf-java descriptor of the stream's message, for tools (DynamicMessage, JsonFormat). */
    public Descriptors.Descriptor descriptor() {
        return descriptor;
    }

    /** The equivalent Avro record schema: the stream's fields as the rest of the platform sees them. */
    public Schema avroSchema() {
        return avroSchema;
    }

    /**
     * Why {@code next} cannot follow {@code previous} on the wire, or null when it can: a field name kept must keep its
     * number and type, and a number kept must keep its name and type (protobuf readers match fields by number, the
     * platform's columns by name; reusing either for something else would silently mix two meanings).
     */
    public static String wireConflict(ProtoSchema previous, ProtoSchema next) {
        for (Field now : next.fields) {
            for (Field before : previous.fields) {
                if (now.name().equals(before.name()) && now.number() != before.number()) {
                    return "field '" + now.name() + "' moved from number " + before.number() + " to " + now.number();
                }
                if (now.number() == before.number() && !now.name().equals(before.name())) {
                    return "field number " + now.number() + " was '" + before.name() + "' and is now '" + now.name()
                            + "' (never reuse a number: reserve it)";
                }
                if (now.number() == before.number() && !now.protoType().equals(before.protoType())) {
                    return "field '" + now.name() + "' changed type from " + before.protoType() + " to " + now.protoType();
                }
            }
        }
        return null;
    }

    private static Descriptors.Descriptor buildDescriptor(String packageName, String messageName, List<Field> fields) {
        DescriptorProto.Builder message = DescriptorProto.newBuilder().setName(messageName);
        int oneofIndex = 0;
        for (Field field : fields) {
            FieldDescriptorProto.Builder proto = FieldDescriptorProto.newBuilder().setName(field.name()).setNumber(field.number())
                    .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).setType(SCALARS.get(field.protoType()));
            if (field.optional()) {
                // proto3 'optional' is a field in a synthetic one-field oneof, as protoc writes it
                message.addOneofDecl(OneofDescriptorProto.newBuilder().setName("_" + field.name()));
                proto.setProto3Optional(true).setOneofIndex(oneofIndex++);
            }
            message.addField(proto);
        }
        FileDescriptorProto.Builder file = FileDescriptorProto.newBuilder().setName(messageName + ".proto").setSyntax("proto3")
                .addMessageType(message);
        if (!packageName.isEmpty()) {
            file.setPackage(packageName);
        }
        try {
            return Descriptors.FileDescriptor.buildFrom(file.build(), new Descriptors.FileDescriptor[0]).findMessageTypeByName(messageName);
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalArgumentException("invalid Protobuf schema: " + e.getDescription(), e);
        }
    }

    private static Schema deriveAvro(String packageName, String messageName, List<Field> fields) {
        List<Schema.Field> avroFields = new ArrayList<>();
        for (Field field : fields) {
            Schema type = Schema.create(avroType(field.protoType()));
            if (field.optional()) {
                avroFields.add(new Schema.Field(field.name(), Schema.createUnion(Schema.create(Schema.Type.NULL), type), null,
                        JsonProperties.NULL_VALUE));
            } else {
                avroFields.add(new Schema.Field(field.name(), type, null, zeroOf(type.getType())));
            }
        }
        Schema record = Schema.createRecord(messageName, "from Protobuf message " + messageName,
                packageName.isEmpty() ? null : packageName, false);
        record.setFields(avroFields);
        return record;
    }

    /** The Avro type a protobuf scalar reads as: unsigned 32-bit values need a long to stay positive. */
    static Schema.Type avroType(String protoType) {
        return switch (protoType) {
            case "double" -> Schema.Type.DOUBLE;
            case "float" -> Schema.Type.FLOAT;
            case "int32", "sint32", "sfixed32" -> Schema.Type.INT;
            case "int64", "sint64", "sfixed64", "uint32", "fixed32", "uint64", "fixed64" -> Schema.Type.LONG;
            case "bool" -> Schema.Type.BOOLEAN;
            case "string" -> Schema.Type.STRING;
            case "bytes" -> Schema.Type.BYTES;
            default -> throw new IllegalArgumentException("not a scalar type: " + protoType);
        };
    }

    private static Object zeroOf(Schema.Type type) {
        return switch (type) {
            case DOUBLE -> 0.0d;
            case FLOAT -> 0.0f;
            case INT -> 0;
            case LONG -> 0L;
            case BOOLEAN -> false;
            default -> "";
        };
    }

    /** A recursive-descent reader of the proto3 subset a stream schema may use. */
    private static final class Parser {
        private final String source;
        private final List<String> tokens = new ArrayList<>();
        private final List<Integer> lines = new ArrayList<>();
        private int next;

        Parser(String source) {
            this.source = source;
            tokenize();
        }

        ProtoSchema parseFile() {
            String packageName = "";
            String messageName = null;
            List<Field> fields = null;
            boolean sawSyntax = false;
            while (next < tokens.size()) {
                String word = take();
                switch (word) {
                    case "syntax" -> {
                        expect("=");
                        String syntax = unquote(take());
                        if (!syntax.equals("proto3")) {
                            throw error("syntax \"" + syntax + "\" is not supported: declare syntax = \"proto3\";");
                        }
                        expect(";");
                        sawSyntax = true;
                    }
                    case "edition" -> throw error("editions are not supported: declare syntax = \"proto3\";");
                    case "package" -> {
                        packageName = take();
                        expect(";");
                    }
                    case "option" -> skipStatement();
                    case "import" -> throw error("imports are not supported: declare the stream's fields in this file");
                    case "message" -> {
                        if (messageName != null) {
                            throw error("a stream schema declares one message (the stream's record); found a second, '" + peek() + "'");
                        }
                        messageName = identifier(take());
                        fields = parseMessageBody(messageName);
                    }
                    case "enum", "service", "extend" ->
                            throw error("'" + word + "' is not supported in a stream schema: declare one message of scalar fields");
                    case ";" -> { }
                    default -> throw error("unexpected '" + word + "'");
                }
            }
            if (!sawSyntax) {
                throw new IllegalArgumentException("Protobuf schema must start with syntax = \"proto3\"; (proto2 is not supported)");
            }
            if (messageName == null) {
                throw new IllegalArgumentException("Protobuf schema declares no message: declare the stream's record as one message");
            }
            if (fields.isEmpty()) {
                throw new IllegalArgumentException("message " + messageName + " has no fields");
            }
            return new ProtoSchema(source, packageName, messageName, fields);
        }

        private List<Field> parseMessageBody(String messageName) {
            expect("{");
            List<Field> fields = new ArrayList<>();
            Set<String> names = new HashSet<>();
            while (true) {
                String word = take();
                if (word.equals("}")) {
                    return fields;
                }
                switch (word) {
                    case ";" -> { }
                    case "option", "reserved" -> skipStatement();
                    case "message", "enum", "oneof", "extensions", "extend" ->
                            throw error("'" + word + "' in message " + messageName
                                    + " is not supported: stream rows are flat, use scalar fields");
                    case "repeated", "map" ->
                            throw error("'" + word + "' fields are not supported: a stream's row holds one value per field");
                    case "required" -> throw error("'required' is proto2: proto3 fields are optional or implicit");
                    default -> {
                        boolean optional = word.equals("optional");
                        String type = optional ? take() : word;
                        if (type.equals("repeated") || type.equals("map")) {
                            throw error("'" + type + "' fields are not supported: a stream's row holds one value per field");
                        }
                        if (!SCALARS.containsKey(type)) {
                            throw error("field type '" + type + "' is not supported: use a scalar type ("
                                    + String.join(" ", new TreeSet<>(SCALARS.keySet())) + ")");
                        }
                        String name = identifier(take());
                        expect("=");
                        String numberText = take();
                        int number;
                        try {
                            number = Integer.parseInt(numberText);
                        } catch (NumberFormatException e) {
                            throw error("field '" + name + "' needs a number, got '" + numberText + "'");
                        }
                        if (number < 1 || number > 536_870_911 || (number >= 19_000 && number <= 19_999)) {
                            throw error("field '" + name + "' number " + number
                                    + " is outside 1..536870911 or in the reserved 19000..19999");
                        }
                        if (peek().equals("[")) {
                            while (!take().equals("]")) {
                                if (next >= tokens.size()) {
                                    throw error("unclosed field options of '" + name + "'");
                                }
                            }
                        }
                        expect(";");
                        if (!names.add(name)) {
                            throw error("field '" + name + "' is declared twice");
                        }
                        fields.add(new Field(name, number, type, optional, fields.size()));
                    }
                }
            }
        }

        private void skipStatement() {
            while (!take().equals(";")) {
                // options and reserved ranges do not change the row
            }
        }

        private String identifier(String word) {
            if (!word.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw error("'" + word + "' is not a valid name");
            }
            return word;
        }

        private void expect(String symbol) {
            String word = take();
            if (!word.equals(symbol)) {
                next--;
                throw error("expected '" + symbol + "' but found '" + word + "'");
            }
        }

        private String take() {
            if (next >= tokens.size()) {
                throw new IllegalArgumentException("Protobuf schema ends early (missing '}' or ';'?)");
            }
            return tokens.get(next++);
        }

        private String peek() {
            return next < tokens.size() ? tokens.get(next) : "";
        }

        private IllegalArgumentException error(String message) {
            int line = lines.get(Math.max(0, Math.min(next - 1, lines.size() - 1)));
            return new IllegalArgumentException("Protobuf schema line " + line + ": " + message);
        }

        private static String unquote(String word) {
            if (word.length() >= 2 && (word.charAt(0) == '"' || word.charAt(0) == '\'')) {
                return word.substring(1, word.length() - 1);
            }
            return word;
        }

        private void tokenize() {
            int line = 1;
            int i = 0;
            int n = source.length();
            while (i < n) {
                char c = source.charAt(i);
                if (c == '\n') {
                    line++;
                    i++;
                } else if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
                    while (i < n && source.charAt(i) != '\n') {
                        i++;
                    }
                } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                    int end = source.indexOf("*/", i + 2);
                    if (end < 0) {
                        throw new IllegalArgumentException("Protobuf schema line " + line + ": unclosed /* comment");
                    }
                    for (int k = i; k < end; k++) {
                        if (source.charAt(k) == '\n') {
                            line++;
                        }
                    }
                    i = end + 2;
                } else if (c == '"' || c == '\'') {
                    int end = source.indexOf(c, i + 1);
                    if (end < 0) {
                        throw new IllegalArgumentException("Protobuf schema line " + line + ": unclosed string");
                    }
                    add(source.substring(i, end + 1), line);
                    i = end + 1;
                } else if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' || c == '+') {
                    int start = i;
                    while (i < n && (Character.isLetterOrDigit(source.charAt(i)) || "_.-+".indexOf(source.charAt(i)) >= 0)) {
                        i++;
                    }
                    add(source.substring(start, i), line);
                } else {
                    add(String.valueOf(c), line);
                    i++;
                }
            }
        }

        private void add(String token, int line) {
            tokens.add(token);
            lines.add(line);
        }
    }
}
