package io.platform.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code platform schema list} shows the registered streams as a table a person reads; {@code --json} keeps the raw answer. */
class SchemaListTableTest {
    @Test
    void oneAlignedLinePerStreamWithItsChoices() throws Exception {
        String json = """
                [{"stream":"platform_probe","id":100,"version":1,"timeField":"ts","compatibility":"BACKWARD","batchPacking":"NODE_DEFAULT",
                  "keyFields":["probe_id"],"schemaType":"AVRO","schema":"{}"},
                 {"stream":"meters","id":107,"version":3,"timeField":"at","compatibility":"FULL","batchPacking":"PACKED",
                  "keyFields":["site","meter"],"schemaType":"PROTOBUF","schema":"syntax = \\"proto3\\";"}]""";
        assertEquals("""
                STREAM          VERSION  ID   FORMAT    TIME  KEY         COMPATIBILITY  PACKING
                platform_probe  1        100  AVRO      ts    probe_id    BACKWARD       NODE_DEFAULT
                meters          3        107  PROTOBUF  at    site,meter  FULL           PACKED
                """, SchemaCommands.ListSchemas.table(json));
    }

    @Test
    void noStreamsIsTheHeaderAlone() throws Exception {
        assertEquals("STREAM  VERSION  ID  FORMAT  TIME  KEY  COMPATIBILITY  PACKING\n", SchemaCommands.ListSchemas.table("[]"));
    }
}
