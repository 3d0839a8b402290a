package io.platform.wire.schema;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
// io.platform.wire.WireFormat is written qualified below: the simple name is protobuf's
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/**
 * Encodes and decodes the records of a Protobuf stream, framed as Confluent's Protobuf serializer frames them: magic
 * byte, schema id, the message-index path (one byte {@code 0}: the schema's first and only message), then the message.
 * Records are the stream's Avro twin ({@link ProtoSchema#avroSchema()}), so everything past the codec handles Avro and
 * Protobuf streams alike. The codec reads and writes the protobuf wire format directly with protobuf-java's coded
 * streams (no DynamicMessage: one pass, no per-field objects beyond the record's values); unknown field numbers are
 * skipped, as protobuf readers must, and a field whose wire type contradicts the schema is an error.
 * Immutable and thread-safe; one per schema id, built once.
 */
public final class ProtobufRecordCodec {
    /** The bytes between the 5-byte header and the message: the message-index path {@code [0]}, written as one zero. */
    private static final int INDEX_PATH_LENGTH = 1;
    private static final ThreadLocal<ByteArrayOutputStream> BUFFERS = ThreadLocal.withInitial(() -> new ByteArrayOutputStream(256));

    private final int schemaId;
    private final ProtoSchema proto;
    private final Schema avro;
    private final Object[] defaults;

    public ProtobufRecordCodec(int schemaId, ProtoSchema proto) {
        this.schemaId = schemaId;
        this.proto = proto;
        this.avro = proto.avroSchema();
        this.defaults = new Object[proto.fields().size()];
        for (ProtoSchema.Field field : proto.fields()) {
            defaults[field.avroPosition()] = field.optional() ? null : zero(field.protoType());
        }
    }

    /** The position of the message in a framed value: after the header and the message-index path. */
    public static int messageOffset(byte[] value, int offset, int length) throws IOException {
        int at = offset + io.platform.wire.WireFormat.BODY_OFFSET;
        int end = offset + length;
        if (at < end && value[at] == 0) {
            return at + 1; // the path [0] as every writer of a one-message schema writes it
        }
        // the path is a zigzag varint count, then that many zigzag varint indexes; [0] alone may be written as count 0
        long[] cursor = {at};
        int count = CodedInputStream.decodeZigZag32((int) readVarint(value, cursor, end));
        if (count < 0 || count > 1) {
            throw new IOException("message-index path of length " + count + ": a stream schema has one top-level message, index [0]");
        }
        if (count == 1) {
            int index = CodedInputStream.decodeZigZag32((int) readVarint(value, cursor, end));
            if (index != 0) {
                throw new IOException("message index " + index + ": a stream schema has one top-level message, index 0");
            }
        }
        return (int) cursor[0];
    }

    private static long readVarint(byte[] bytes, long[] cursor, int end) throws IOException {
        long result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int at = (int) cursor[0];
            if (at >= end) {
                throw new IOException("value ends inside the message-index path (truncated?)");
            }
            byte b = bytes[at];
            cursor[0] = at + 1;
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IOException("malformed varint in the message-index path");
    }

    /**
     * Decodes a framed value (header, index path, message).
     *
     * @throws IOException with the reason when the bytes are not a message of this schema
     */
    public GenericRecord decode(byte[] value, int offset, int length) throws IOException {
        int at = messageOffset(value, offset, length);
        return decodeMessage(value, at, offset + length - at);
    }

    /** Decodes a bare message (no header). */
    public GenericRecord decodeMessage(byte[] bytes, int offset, int length) throws IOException {
        GenericData.Record record = new GenericData.Record(avro);
        for (int i = 0; i < defaults.length; i++) {
            record.put(i, defaults[i]);
        }
        CodedInputStream in = CodedInputStream.newInstance(bytes, offset, length);
        try {
            int tag;
            while ((tag = in.readTag()) != 0) {
                ProtoSchema.Field field = proto.field(WireFormat.getTagFieldNumber(tag));
                if (field == null) {
                    in.skipField(tag);
                    continue;
                }
                int wireType = WireFormat.getTagWireType(tag);
                if (wireType != field.wireType()) {
                    throw new IOException("field '" + field.name() + "' (" + field.number() + ") came with wire type " + wireType
                            + ", its type " + field.protoType() + " has wire type " + field.wireType());
                }
                record.put(field.avroPosition(), read(in, field.protoType()));
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("not a " + proto.messageName() + " message: " + e.getMessage(), e);
        }
        return record;
    }

    private static Object read(CodedInputStream in, String type) throws IOException {
        return switch (type) {
            case "double" -> in.readDouble();
            case "float" -> in.readFloat();
            case "int32" -> in.readInt32();
            case "sint32" -> in.readSInt32();
            case "sfixed32" -> in.readSFixed32();
            case "int64" -> in.readInt64();
            case "sint64" -> in.readSInt64();
            case "sfixed64" -> in.readSFixed64();
            case "uint32" -> Integer.toUnsignedLong(in.readUInt32());
            case "fixed32" -> Integer.toUnsignedLong(in.readFixed32());
            // an unsigned 64-bit value above Long.MAX_VALUE reads as negative: Avro has no unsigned long
            case "uint64" -> in.readUInt64();
            case "fixed64" -> in.readFixed64();
            case "bool" -> in.readBool();
            case "string" -> new Utf8(in.readStringRequireUtf8());
            case "bytes" -> ByteBuffer.wrap(in.readByteArray());
            default -> throw new IOException("unsupported type " + type);
        };
    }

    /**
     * Encodes a record of the stream's Avro twin as a framed value. Implicit-presence fields at their zero value are
     * left out, as proto3 writers do; optional fields are written when set.
     *
     * @throws IllegalArgumentException when a value does not fit its field's type
     */
    public byte[] encode(GenericRecord record) {
        ByteArrayOutputStream buffer = BUFFERS.get();
        buffer.reset();
        buffer.write(io.platform.wire.WireFormat.MAGIC);
        buffer.write(schemaId >>> 24);
        buffer.write(schemaId >>> 16);
        buffer.write(schemaId >>> 8);
        buffer.write(schemaId);
        buffer.write(0);
        CodedOutputStream out = CodedOutputStream.newInstance(buffer, 256);
        try {
            for (ProtoSchema.Field field : proto.fields()) {
                Object value = record.get(field.avroPosition());
                if (value == null || (!field.optional() && isZero(value))) {
                    continue;
                }
                write(out, field, value);
            }
            out.flush();
        } catch (IOException | ClassCastException e) {
            throw new IllegalArgumentException("cannot encode record as " + proto.messageName() + ": " + e.getMessage(), e);
        }
        return buffer.toByteArray();
    }

    private static void write(CodedOutputStream out, ProtoSchema.Field field, Object value) throws IOException {
        int n = field.number();
        switch (field.protoType()) {
            case "double" -> out.writeDouble(n, ((Number) value).doubleValue());
            case "float" -> out.writeFloat(n, ((Number) value).floatValue());
            case "int32" -> out.writeInt32(n, ((Number) value).intValue());
            case "sint32" -> out.writeSInt32(n, ((Number) value).intValue());
            case "sfixed32" -> out.writeSFixed32(n, ((Number) value).intValue());
            case "int64" -> out.writeInt64(n, ((Number) value).longValue());
            case "sint64" -> out.writeSInt64(n, ((Number) value).longValue());
            case "sfixed64" -> out.writeSFixed64(n, ((Number) value).longValue());
            case "uint32" -> out.writeUInt32(n, (int) ((Number) value).longValue());
            case "fixed32" -> out.writeFixed32(n, (int) ((Number) value).longValue());
            case "uint64" -> out.writeUInt64(n, ((Number) value).longValue());
            case "fixed64" -> out.writeFixed64(n, ((Number) value).longValue());
            case "bool" -> out.writeBool(n, (Boolean) value);
            case "string" -> out.writeString(n, value.toString());
            case "bytes" -> {
                ByteBuffer bytes = ((ByteBuffer) value).duplicate();
                out.writeTag(n, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(bytes.remaining());
                out.write(bytes);
            }
            default -> throw new IOException("unsupported type " + field.protoType());
        }
    }

    private static boolean isZero(Object value) {
        if (value instanceof Number number) {
            return value instanceof Double || value instanceof Float ? number.doubleValue() == 0.0 && 1 / number.doubleValue() > 0
                    : number.longValue() == 0;
        }
        if (value instanceof Boolean bool) {
            return !bool;
        }
        if (value instanceof CharSequence text) {
            return text.length() == 0;
        }
        if (value instanceof ByteBuffer bytes) {
            return !bytes.hasRemaining();
        }
        return false;
    }

    private static Object zero(String protoType) {
        return switch (ProtoSchema.avroType(protoType)) {
            case DOUBLE -> 0.0d;
            case FLOAT -> 0.0f;
            case INT -> 0;
            case LONG -> 0L;
            case BOOLEAN -> false;
            case STRING -> new Utf8("");
            default -> ByteBuffer.allocate(0);
        };
    }

    public int schemaId() {
        return schemaId;
    }

    public ProtoSchema proto() {
        return proto;
    }

    /** The length of the framing before the message in values this codec writes. */
    public static int framingLength() {
        return io.platform.wire.WireFormat.BODY_OFFSET + INDEX_PATH_LENGTH;
    }
}
