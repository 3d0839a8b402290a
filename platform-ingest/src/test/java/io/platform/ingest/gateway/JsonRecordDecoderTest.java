package io.platform.ingest.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class JsonRecordDecoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"R","fields":[{"name":"device","type":"string"},{"name":"ts","type":"long"},
             {"name":"temperature","type":"double"},{"name":"note","type":["null","string"],"default":null},
             {"name":"level","type":{"type":"enum","name":"L","symbols":["LOW","HIGH"]},"default":"LOW"}]}""");

    private GenericRecord decode(String json) throws Exception {
        return JsonRecordDecoder.decode(JSON.readTree(json), SCHEMA);
    }

    private String reason(String json) {
        return assertThrows(InvalidEventException.class, () -> decode(json)).getMessage();
    }

    @Test
    void shouldDecodePlainJsonWithDefaultsAndUnwrappedUnions() throws Exception {
        GenericRecord record = decode("{\"device\":\"d1\",\"ts\":1700000000000,\"temperature\":21}");
        assertEquals("d1", record.get("device"));
        assertEquals(1700000000000L, record.get("ts"));
        assertEquals(21.0, record.get("temperature"));
        assertNull(record.get("note"));
        assertEquals("LOW", record.get("level").toString());
        assertEquals("hi", decode("{\"device\":\"d\",\"ts\":1,\"temperature\":1.5,\"note\":\"hi\",\"level\":\"HIGH\"}").get("note"));
    }

    @Test
    void shouldExplainEachKindOfMismatch() {
        assertTrue(reason("{\"device\":\"x\",\"ts\":\"not-a-number\",\"temperature\":1}").contains("field 'ts' must be long, got string"));
        assertTrue(reason("{\"nope\":true}").contains("missing field 'device'"));
        assertTrue(reason("{\"device\":\"x\",\"ts\":1,\"temperature\":1,\"extra\":2}").contains("unknown field 'extra'"));
        assertTrue(reason("{\"device\":\"x\",\"ts\":1.5,\"temperature\":1}").contains("'ts' must be long"));
        assertTrue(reason("{\"device\":\"x\",\"ts\":1,\"temperature\":1,\"level\":\"MID\"}").contains("one of [LOW, HIGH]"));
        assertTrue(reason("[1,2]").contains("must be a JSON object"));
        assertTrue(reason("{\"device\":\"x\",\"ts\":99999999999999999999,\"temperature\":1}").contains("'ts' must be long"));
    }

    @Test
    void shouldSplitNdjsonArraysAndSingleObjects() {
        assertEquals(2, JsonEventIngest.splitEvents("{\"a\":1}\r\n\n  \n{\"a\":2}\n".getBytes()).size());
        assertEquals(3, JsonEventIngest.splitEvents("[{\"a\":1},{\"a\":2},{\"a\":3}]".getBytes()).size());
        // NDJSON whose first line starts with '[' is not an array body: every line is answered for
        assertEquals(3, JsonEventIngest.splitEvents("[{\"a\":1}]x\n{\"a\":2}\n{\"a\":3}\n".getBytes()).size());
        List<byte[]> one = JsonEventIngest.splitEvents("{\"a\":1}".getBytes());
        assertEquals("{\"a\":1}", new String(one.get(0)));
    }
}
