package io.platform.wire.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class StreamSchemaTest {
    private static final Schema READING = new Schema.Parser().parse("""
            {"type":"record","name":"R","fields":[{"name":"device","type":"string"},{"name":"site","type":"string"},
             {"name":"ts","type":"long"},{"name":"temperature","type":"double"},{"name":"n","type":"int"}]}""");

    @Test
    void shouldInferTimeFieldAndStringKeyFields() {
        StreamSchema schema = StreamSchema.define("r", 1, 100, READING, null, null);
        assertEquals("ts", schema.timeField());
        assertEquals(List.of("device", "site"), schema.keyFields());
        assertEquals(List.of("temperature", "n"), schema.numericFields());
    }

    @Test
    void shouldPreferTimestampLogicalTypeAndConvertMicros() {
        Schema micros = new Schema.Parser().parse("""
                {"type":"record","name":"M","fields":[{"name":"ts","type":"long"},
                 {"name":"at","type":{"type":"long","logicalType":"timestamp-micros"}},{"name":"k","type":"string"}]}""");
        StreamSchema schema = StreamSchema.define("m", 1, 100, micros, null, null);
        assertEquals("at", schema.timeField());
        GenericRecord record = new GenericData.Record(micros);
        record.put("ts", 1L);
        record.put("at", 5_000_000L);
        record.put("k", "x");
        assertEquals(5_000L, schema.eventTimeMs(record));
    }

    @Test
    void shouldJoinSeriesKeyPartsWithSeparator() {
        StreamSchema schema = StreamSchema.define("r", 1, 100, READING, "ts", List.of("site", "device"));
        GenericRecord record = new GenericData.Record(READING);
        record.put("device", "d1");
        record.put("site", "north");
        assertEquals("north\u001fd1", schema.seriesKey(record));
    }

    @Test
    void refusesSchemaWithoutTimeFieldNamingTheFix() {
        Schema noTime = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StreamSchema.define("x", 1, 100, noTime, null, null));
        assertTrue(e.getMessage().contains("?time="), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StreamSchema.define("r", 1, 100, READING, "device", null));
        assertThrows(IllegalArgumentException.class, () -> StreamSchema.define("r", 1, 100, READING, null, List.of("nope")));
    }

    @Test
    void shouldRoundTripThroughJson() {
        StreamSchema schema = StreamSchema.define("r", 3, 123, READING, "ts", List.of("device"));
        StreamSchema back = StreamSchema.fromJson(schema.toJson());
        assertEquals(schema.toString(), back.toString());
        assertEquals(schema.schema(), back.schema());
    }

    @Test
    void aStreamsBatchPackingTravelsInItsRecordAndOlderRecordsLeaveItToTheNode() {
        StreamSchema schema = StreamSchema.define("r", 3, 123, READING, "ts", List.of("device"));
        assertEquals(StreamSchema.BatchPacking.NODE_DEFAULT, schema.batchPacking());
        assertFalse(schema.toJson().contains("batchPacking"), "a record written before streams chose reads the same: " + schema.toJson());
        StreamSchema unpacked = schema.withBatchPacking(StreamSchema.BatchPacking.UNPACKED);
        assertEquals(StreamSchema.BatchPacking.UNPACKED, StreamSchema.fromJson(unpacked.toJson()).batchPacking());
        assertEquals(schema.toString(), unpacked.toString(), "only the packing differs");
        assertEquals(StreamSchema.BatchPacking.NODE_DEFAULT, schema.batchPacking(), "immutable");
    }

    @Test
    void packParameterNamesItsChoicesWhenItIsNoneOfThem() {
        assertEquals(StreamSchema.BatchPacking.PACKED, StreamSchema.BatchPacking.parse("true"));
        assertEquals(StreamSchema.BatchPacking.UNPACKED, StreamSchema.BatchPacking.parse("FALSE"));
        assertEquals(StreamSchema.BatchPacking.NODE_DEFAULT, StreamSchema.BatchPacking.parse("default"));
        assertNull(StreamSchema.BatchPacking.parse(null), "absent: the stream keeps its choice");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StreamSchema.BatchPacking.parse("yes"));
        assertTrue(e.getMessage().contains("pack must be true") && e.getMessage().contains("'yes'"), e.getMessage());
        assertTrue(StreamSchema.BatchPacking.NODE_DEFAULT.packs(true) && !StreamSchema.BatchPacking.NODE_DEFAULT.packs(false));
        assertTrue(StreamSchema.BatchPacking.PACKED.packs(false) && !StreamSchema.BatchPacking.UNPACKED.packs(true));
    }
}
