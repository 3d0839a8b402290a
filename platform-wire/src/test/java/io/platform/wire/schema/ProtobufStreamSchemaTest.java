package io.platform.wire.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DynamicMessage;
import io.platform.wire.WireFormat;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * A stream may declare its schema in Protobuf: the platform reads the .proto text, refuses what a flat row cannot
 * hold, sees the fields through an Avro twin, and reads and writes real protobuf (as protobuf-java does) in
 * Confluent's framing.
 */
class ProtobufStreamSchemaTest {
    static final String METER = """
            syntax = "proto3";
            package energy.v1;
            option java_multiple_files = true;

            // one reading of a meter
            message Meter {
              string meter = 1;
              int64 ts = 2;          /* epoch milliseconds */
              double kwh = 3;
              optional float voltage = 4;
              sint32 delta = 5;
              uint32 pulses = 6;
              bool estimated = 7;
              reserved 8, 9;
              bytes raw = 10;
            }
            """;

    @Test
    void aProto3MessageOfScalarsBecomesAnAvroTwinWithDefaults() {
        ProtoSchema proto = ProtoSchema.parse(METER);
        assertEquals("Meter", proto.messageName());
        assertEquals("energy.v1.Meter", proto.descriptor().getFullName());
        Schema avro = proto.avroSchema();
        assertEquals(List.of("meter", "ts", "kwh", "voltage", "delta", "pulses", "estimated", "raw"),
                avro.getFields().stream().map(Schema.Field::name).toList());
        assertEquals(Schema.Type.LONG, avro.getField("ts").schema().getType());
        assertEquals(Schema.Type.LONG, avro.getField("pulses").schema().getType(), "uint32 needs a long to stay positive");
        assertEquals(Schema.Type.UNION, avro.getField("voltage").schema().getType(), "an optional field is nullable");
        assertEquals(0.0, avro.getField("kwh").defaultVal(), "implicit presence: absent means zero");

        StreamSchema stream = StreamSchema.defineProtobuf("meters", 1, 100, proto, null, null, "BACKWARD");
        assertEquals("ts", stream.timeField());
        assertEquals(List.of("meter"), stream.keyFields());
        assertEquals(StreamSchema.Format.PROTOBUF, stream.format());
        StreamSchema stored = StreamSchema.fromJson(stream.toJson());
        assertEquals(StreamSchema.Format.PROTOBUF, stored.format(), "the registry's record keeps the format and the .proto text");
        assertEquals(METER, stored.source());
        assertEquals(stream.schema(), stored.schema());
    }

    @Test
    void whatAFlatRowCannotHoldIsRefusedWithTheReasonAndLine() {
        assertRefused("syntax = \"proto2\"; message M { required int64 ts = 1; }", "proto3");
        assertRefused("syntax = \"proto3\"; message M { int64 ts = 1; repeated double v = 2; }", "'repeated' fields are not supported");
        assertRefused("syntax = \"proto3\"; message M { int64 ts = 1; map<string, int32> tags = 2; }", "'map' fields are not supported");
        assertRefused("syntax = \"proto3\"; message M { int64 ts = 1; message Inner { int32 a = 1; } }", "stream rows are flat");
        assertRefused("syntax = \"proto3\"; message M { int64 ts = 1; Other o = 2; }", "field type 'Other' is not supported");
        assertRefused("syntax = \"proto3\"; import \"google/protobuf/timestamp.proto\"; message M { int64 ts = 1; }", "imports are not supported");
        assertRefused("syntax = \"proto3\"; message M { int64 ts = 1; } message N { int64 ts = 1; }", "one message");
        assertRefused("syntax = \"proto3\";\nmessage M {\n  int64 ts = 1;\n  double v = 19500;\n}", "line 4");
        assertRefused("syntax = \"proto3\"; message M { int64 ts = 1; double v = 1; }", "number 1");
        assertRefused("syntax = \"proto3\"; message M { int64 ts = 1; double v = 2 }", "expected ';'");
        assertRefused("message M { int64 ts = 1; }", "syntax = \"proto3\"");
    }

    private static void assertRefused(String proto, String reason) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ProtoSchema.parse(proto), proto);
        assertTrue(refused.getMessage().contains(reason), refused.getMessage() + " should say " + reason);
    }

    @Test
    void recordsRoundTripThroughRealProtobufInConfluentFraming() throws Exception {
        ProtoSchema proto = ProtoSchema.parse(METER);
        ProtobufRecordCodec codec = new ProtobufRecordCodec(123, proto);
        GenericRecord record = new GenericData.Record(proto.avroSchema());
        record.put("meter", "m-7");
        record.put("ts", 1_700_000_000_123L);
        record.put("kwh", 12.5);
        record.put("voltage", 229.5f);
        record.put("delta", -3);
        record.put("pulses", 4_000_000_000L);
        record.put("estimated", true);
        record.put("raw", java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
        byte[] framed = codec.encode(record);

        assertEquals(123, WireFormat.schemaId(framed));
        assertEquals(0, framed[WireFormat.BODY_OFFSET], "message-index path [0], written as one zero as Confluent's serializer does");
        DynamicMessage parsed = DynamicMessage.parseFrom(proto.descriptor(),
                Arrays.copyOfRange(framed, ProtobufRecordCodec.framingLength(), framed.length));
        assertEquals("m-7", parsed.getField(proto.descriptor().findFieldByName("meter")));
        assertEquals(-3, parsed.getField(proto.descriptor().findFieldByName("delta")));
        assertEquals((int) 4_000_000_000L, parsed.getField(proto.descriptor().findFieldByName("pulses")), "uint32 on the wire");
        assertEquals(229.5f, parsed.getField(proto.descriptor().findFieldByName("voltage")));

        GenericRecord back = codec.decode(framed, 0, framed.length);
        assertEquals("m-7", back.get("meter").toString());
        assertEquals(1_700_000_000_123L, back.get("ts"));
        assertEquals(12.5, back.get("kwh"));
        assertEquals(229.5f, back.get("voltage"));
        assertEquals(-3, back.get("delta"));
        assertEquals(4_000_000_000L, back.get("pulses"));
        assertEquals(true, back.get("estimated"));
        assertArrayEquals(new byte[] {1, 2, 3}, ((java.nio.ByteBuffer) back.get("raw")).array());
    }

    @Test
    void messagesWrittenByProtobufJavaDecodeWithDefaultsForAbsentFieldsAndUnknownFieldsSkipped() throws Exception {
        ProtoSchema proto = ProtoSchema.parse(METER);
        // a newer writer's message: field 11 is unknown here and must be skipped, as protobuf readers do
        ProtoSchema newer = ProtoSchema.parse(METER.replace("bytes raw = 10;", "bytes raw = 10;\n  string site = 11;"));
        DynamicMessage message = DynamicMessage.newBuilder(newer.descriptor())
                .setField(newer.descriptor().findFieldByName("meter"), "m-1")
                .setField(newer.descriptor().findFieldByName("ts"), 42L)
                .setField(newer.descriptor().findFieldByName("site"), "north").build();
        byte[] body = message.toByteArray();
        byte[] framed = new byte[WireFormat.BODY_OFFSET + 1 + body.length];
        System.arraycopy(WireFormat.encode(7, new byte[0]), 0, framed, 0, WireFormat.BODY_OFFSET);
        System.arraycopy(body, 0, framed, WireFormat.BODY_OFFSET + 1, body.length);

        GenericRecord record = new ProtobufRecordCodec(7, proto).decode(framed, 0, framed.length);
        assertEquals("m-1", record.get("meter").toString());
        assertEquals(42L, record.get("ts"));
        assertEquals(0.0, record.get("kwh"), "an absent implicit field reads as zero");
        assertNull(record.get("voltage"), "an absent optional field reads as null");
        assertEquals(false, record.get("estimated"));
    }

    @Test
    void bytesThatAreNotAMessageOfTheSchemaAreRefusedWithTheReason() {
        ProtobufRecordCodec codec = new ProtobufRecordCodec(9, ProtoSchema.parse(METER));
        // field 3 (kwh, a double: wire type 1) sent as a varint
        byte[] wrongWireType = frame(new byte[] {(3 << 3), 5});
        IOException wrong = assertThrows(IOException.class, () -> codec.decode(wrongWireType, 0, wrongWireType.length));
        assertTrue(wrong.getMessage().contains("field 'kwh' (3) came with wire type 0"), wrong.getMessage());
        // field 1 (a string) claims 100 bytes and has 2
        byte[] truncated = frame(new byte[] {(1 << 3) | 2, 100, 'a', 'b'});
        assertThrows(IOException.class, () -> codec.decode(truncated, 0, truncated.length));
        // a message index other than [0]
        byte[] otherMessage = WireFormat.encode(9, new byte[] {2, 2});
        IOException index = assertThrows(IOException.class, () -> codec.decode(otherMessage, 0, otherMessage.length));
        assertTrue(index.getMessage().contains("one top-level message"), index.getMessage());
    }

    private static byte[] frame(byte[] message) {
        byte[] body = new byte[message.length + 1];
        System.arraycopy(message, 0, body, 1, message.length);
        return WireFormat.encode(9, body);
    }

    @Test
    void theWireDecoderReadsProtobufStreamsAndProjectsOlderRecordsOntoTheNewestVersion() {
        ProtoSchema v1 = ProtoSchema.parse(METER);
        ProtoSchema v2 = ProtoSchema.parse(METER.replace("bytes raw = 10;", "bytes raw = 10;\n  optional string site = 11;"));
        SchemaCatalog catalog = SchemaCatalog.detached();
        StreamSchema first = StreamSchema.defineProtobuf("meters", 1, 100, v1, null, null, "BACKWARD");
        StreamSchema second = StreamSchema.defineProtobuf("meters", 2, 101, v2, null, null, "BACKWARD");
        catalog.apply(first);
        catalog.apply(second);
        GenericRecord record = new GenericData.Record(v1.avroSchema());
        record.put("meter", "m-2");
        record.put("ts", 5L);
        byte[] old = first.protobuf().encode(record);

        GenericRecord asWritten = new WireRecordDecoder(catalog).decode(old);
        assertEquals("m-2", asWritten.get("meter").toString());
        GenericRecord asNewest = new WireRecordDecoder(catalog, second.schema(), 0).decode(old);
        assertEquals(second.schema(), asNewest.getSchema());
        assertEquals(5L, asNewest.get("ts"));
        assertNull(asNewest.get("site"), "a field the writer did not know reads as its default");
        WireRecordDecoder.UndecodableException wrongStream = assertThrows(WireRecordDecoder.UndecodableException.class,
                () -> new WireRecordDecoder(catalog).decodeOrExplain(old, "readings"));
        assertTrue(wrongStream.getMessage().contains("not a registered schema of stream=readings"), wrongStream.getMessage());
    }

    @Test
    void aVersionThatReusesANumberOrChangesATypeConflictsOnTheWire() {
        ProtoSchema v1 = ProtoSchema.parse(METER);
        assertNull(ProtoSchema.wireConflict(v1, ProtoSchema.parse(METER.replace("bytes raw = 10;", "bytes raw = 10;\n  string site = 11;"))));
        assertTrue(ProtoSchema.wireConflict(v1, ProtoSchema.parse(METER.replace("double kwh = 3;", "float kwh = 3;")))
                .contains("changed type from double to float"));
        assertTrue(ProtoSchema.wireConflict(v1, ProtoSchema.parse(METER.replace("double kwh = 3;", "double energy = 3;")))
                .contains("never reuse a number"));
        assertTrue(ProtoSchema.wireConflict(v1, ProtoSchema.parse(METER.replace("double kwh = 3;", "double kwh = 12;")))
                .contains("moved from number 3 to 12"));
    }
}
