package io.platform.ingest.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.wire.schema.StreamSchema;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class WireRecordScannerTest {
    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"E","fields":[
              {"name":"site","type":"string"},
              {"name":"ts","type":"long"},
              {"name":"device","type":["null","string"]},
              {"name":"tags","type":{"type":"array","items":"string"}},
              {"name":"attrs","type":{"type":"map","values":"double"}},
              {"name":"level","type":{"type":"enum","name":"L","symbols":["LOW","HIGH"]}},
              {"name":"nested","type":{"type":"record","name":"N","fields":[{"name":"x","type":"float"},{"name":"b","type":"bytes"}]}},
              {"name":"value","type":"double"}]}""");
    private static final StreamSchema STREAM = StreamSchema.define("e", 1, 100, SCHEMA, "ts", List.of("site", "device"));

    private static byte[] encode(GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(SCHEMA).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static GenericRecord record(Random random) {
        GenericRecord record = new GenericData.Record(SCHEMA);
        record.put("site", "site-" + random.nextInt(5));
        record.put("ts", random.nextLong());
        record.put("device", random.nextBoolean() ? null : "dev-" + random.nextInt(100));
        record.put("tags", List.of("a", "b".repeat(random.nextInt(4))));
        record.put("attrs", Map.of("k" + random.nextInt(3), random.nextDouble()));
        record.put("level", new GenericData.EnumSymbol(SCHEMA.getField("level").schema(), random.nextBoolean() ? "LOW" : "HIGH"));
        GenericRecord nested = new GenericData.Record(SCHEMA.getField("nested").schema());
        nested.put("x", random.nextFloat());
        nested.put("b", java.nio.ByteBuffer.wrap(new byte[random.nextInt(5)]));
        record.put("nested", nested);
        record.put("value", random.nextDouble());
        return record;
    }

    @Test
    void shouldExtractTheSeriesKeyAndTimeAsTheGenericPathDoes() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        WireRecordScanner scanner = new WireRecordScanner(STREAM);
        for (int i = 0; i < 2000; i++) {
            GenericRecord record = record(random);
            byte[] body = encode(record);
            WireRecordScanner.Scan scan = scanner.scan(body, 0, body.length);
            assertEquals(STREAM.seriesKey(record), new String(scan.keyBytes(), StandardCharsets.UTF_8), "seed=" + seed);
            assertEquals(STREAM.eventTimeMs(record), scan.eventTimeMs, "seed=" + seed);
        }
    }

    @Test
    void refusesTruncatedAndTrailingBytesAndBadBranches() throws Exception {
        WireRecordScanner scanner = new WireRecordScanner(STREAM);
        byte[] body = encode(record(new Random(1)));
        assertThrows(InvalidEventException.class, () -> scanner.scan(body, 0, body.length - 1));
        byte[] trailing = java.util.Arrays.copyOf(body, body.length + 1);
        assertTrue(assertThrows(InvalidEventException.class, () -> scanner.scan(trailing, 0, trailing.length)).getMessage().contains("trailing"));
        assertThrows(InvalidEventException.class, () -> scanner.scan(new byte[] {(byte) 0x81, 0x7f}, 0, 2));
        // a key string announcing two gigabytes in a six-byte body is refused without allocating it
        byte[] forged = {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0};
        assertTrue(assertThrows(InvalidEventException.class, () -> scanner.scan(forged, 0, forged.length)).getMessage().contains("does not fit"));
    }

    @Test
    void neverHangsOrFailsOtherwiseOnRandomlyCorruptedBodies() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        WireRecordScanner scanner = new WireRecordScanner(STREAM);
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] body = encode(record(random));
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                body[random.nextInt(body.length)] = (byte) random.nextInt(256);
            }
            try {
                scanner.scan(body, 0, body.length);
            } catch (InvalidEventException e) {
                refused++;
            }
        }
        assertTrue(refused > 1000, "corruption is mostly detected: refused=" + refused + " seed=" + seed);
    }
}
