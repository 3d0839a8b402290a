package io.platform.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** A packed record holds its events byte for byte, with series and time beside each, and refuses to be misread. */
class PackedEventsTest {
    @Test
    void entriesComeBackAsTheyWentIn() {
        byte[] first = WireFormat.encode(7, new byte[] {1, 2, 3});
        byte[] second = WireFormat.encode(7, new byte[] {4});
        byte[] frame = new byte[10 + second.length];
        System.arraycopy(second, 0, frame, 10, second.length);
        PackedEvents.Writer writer = new PackedEvents.Writer();
        writer.add("sensor-1".getBytes(StandardCharsets.UTF_8), 1_700_000_000_000L, first, 0, first.length);
        writer.add("sensor-2".getBytes(StandardCharsets.UTF_8), -5, frame, 10, second.length);
        byte[] record = writer.toBytes();
        assertTrue(PackedEvents.isPacked(record));
        assertFalse(PackedEvents.isPacked(first), "a single wire-format event starts with magic 0");

        PackedEvents.Cursor cursor = new PackedEvents.Cursor(record);
        assertEquals(2, cursor.count());
        assertTrue(cursor.next());
        assertEquals(0, cursor.index());
        assertEquals("sensor-1", cursor.series());
        assertEquals(1_700_000_000_000L, cursor.eventTimeMs());
        assertArrayEquals(first, cursor.value());
        assertTrue(cursor.next());
        assertEquals("sensor-2", cursor.series());
        assertEquals(-5, cursor.eventTimeMs());
        assertArrayEquals(second, Arrays.copyOfRange(record, cursor.valueOffset(), cursor.valueOffset() + cursor.valueLength()));
        assertFalse(cursor.next());

        writer.reset();
        writer.add(new byte[0], 1, first, 0, first.length);
        PackedEvents.Cursor reused = new PackedEvents.Cursor(writer.toBytes());
        assertTrue(reused.next());
        assertEquals("", reused.series());
        assertFalse(reused.next(), "reset starts a new record");
    }

    @Test
    void aTruncatedOrForeignRecordIsRefusedWithTheReason() {
        PackedEvents.Writer writer = new PackedEvents.Writer();
        byte[] event = WireFormat.encode(7, new byte[] {1, 2, 3});
        writer.add("s".getBytes(StandardCharsets.UTF_8), 1, event, 0, event.length);
        byte[] record = writer.toBytes();
        PackedEvents.Cursor truncated = new PackedEvents.Cursor(Arrays.copyOf(record, record.length - 1));
        assertTrue(assertThrows(PackedEvents.MalformedException.class, truncated::next).getMessage().contains("overruns"));
        byte[] trailing = Arrays.copyOf(record, record.length + 1);
        PackedEvents.Cursor extra = new PackedEvents.Cursor(trailing);
        extra.next();
        assertTrue(assertThrows(PackedEvents.MalformedException.class, extra::next).getMessage().contains("after the last"));
        byte[] otherVersion = record.clone();
        otherVersion[1] = 9;
        assertTrue(assertThrows(PackedEvents.MalformedException.class, () -> new PackedEvents.Cursor(otherVersion)).getMessage().contains("version 9"));
        assertThrows(PackedEvents.MalformedException.class, () -> new PackedEvents.Cursor(event));
    }

    @Test
    void eventsGoToThePartitionTheirSeriesGetsFromKafkasDefaultPartitioner() {
        for (int i = 0; i < 200; i++) {
            byte[] key = ("series-" + i).getBytes(StandardCharsets.UTF_8);
            for (int partitions : new int[] {1, 2, 3, 12}) {
                assertEquals(BuiltInPartitioner.partitionForKey(key, partitions), PackedEvents.partitionOf(key, partitions));
            }
        }
    }

    @Test
    void theRowPartitionFieldKeepsEntriesApartAndEntryZeroAsASingleRecord() {
        assertEquals(3, PackedEvents.rowPartitionField(3, 0));
        assertEquals((5 << 16) | 3, PackedEvents.rowPartitionField(3, 5));
        assertTrue(PackedEvents.rowPartitionField(3, PackedEvents.MAX_ENTRIES - 1) > 0, "stays a non-negative int");
    }
}
