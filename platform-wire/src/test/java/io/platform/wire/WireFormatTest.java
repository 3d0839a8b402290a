package io.platform.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.platform.wire.aggregate.WindowAggregate;
import org.junit.jupiter.api.Test;

class WireFormatTest {
    @Test
    void shouldFrameBodyWithMagicAndBigEndianSchemaId() {
        byte[] framed = WireFormat.encode(0x01020304, new byte[] {9, 8});
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 9, 8}, framed);
        assertEquals(0x01020304, WireFormat.schemaId(framed));
        assertNull(WireFormat.framingError(framed, 0, framed.length));
    }

    @Test
    void rejectsShortFramesAndUnknownMagic() {
        assertNotNull(WireFormat.framingError(new byte[] {0, 0, 0}, 0, 3));
        assertNotNull(WireFormat.framingError(new byte[] {1, 0, 0, 0, 1, 5}, 0, 6));
    }

    @Test
    void shouldRoundTripWindowAggregate() {
        WindowAggregate aggregate = new WindowAggregate();
        aggregate.stream = "s";
        aggregate.view = "10s";
        aggregate.series = "a\u001fb";
        aggregate.windowStartMs = 10_000;
        aggregate.windowEndMs = 20_000;
        aggregate.count = 3;
        aggregate.fields = new String[] {"t", "h"};
        aggregate.sums = new double[] {6, 9};
        aggregate.mins = new double[] {1, 2};
        aggregate.maxs = new double[] {3, 4};
        WindowAggregate back = WindowAggregate.fromWire(aggregate.toWire());
        assertEquals(aggregate.toString(), back.toString());
        assertEquals(2.0, back.avg(0));
        assertEquals(WindowAggregate.SCHEMA_ID, WireFormat.schemaId(aggregate.toWire()));
    }

    @Test
    void shouldNameTopicsInOnePlaceAndParseThemBack() {
        assertEquals("ingest.readings", TopicNames.ingest("readings"));
        assertEquals("readings", TopicNames.streamOf(TopicNames.aggregate("readings", "10s")));
        assertEquals("10s", TopicNames.viewOf(TopicNames.aggregate("readings", "10s")));
        assertNull(TopicNames.streamNameError("readings_2"));
        assertNotNull(TopicNames.streamNameError("bad.name"));
    }
}
