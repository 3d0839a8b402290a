package io.platform.processing.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.wire.aggregate.WindowAggregate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The first phase of the two-phase aggregation: what it folds together, and that merging the partials loses nothing. */
class PreAggregationBufferTest {
    private static final long WINDOW_MS = 10_000;

    @Test
    void foldsEventsPerSeriesAndWindowAndTheMergedPartialsEqualTheEventByEventAggregate() {
        PreAggregationBuffer buffer = new PreAggregationBuffer(WINDOW_MS, 1_000);
        WindowAccumulator direct = new WindowAccumulator();
        WindowAggregate expected = direct.createAccumulator();
        for (int i = 0; i < 300; i++) {
            // three series, two windows (0-10 s and 10-20 s), a null value now and then
            KeyedEvent event = event("s" + i % 3, 5_000 + i * 40L, i % 7 == 0 ? Double.NaN : i * 0.5);
            assertFalse(buffer.add(event));
            if (event.series.equals("s1") && event.eventTimeMs < WINDOW_MS) {
                direct.add(event, expected);
            }
        }
        assertEquals(6, buffer.size(), "3 series x 2 windows");

        List<PartialAggregate> partials = new ArrayList<>();
        buffer.drain(partials::add);
        assertEquals(0, buffer.size(), "drained");
        assertEquals(300, partials.stream().mapToLong(p -> p.folded.count).sum());
        PartialAggregate s1First = partials.stream().filter(p -> p.key.endsWith("s1") && p.eventTimeMs < WINDOW_MS)
                .max(Comparator.comparingLong(p -> p.eventTimeMs)).orElseThrow();
        assertTrue(s1First.eventTimeMs >= 5_000 && s1First.eventTimeMs < WINDOW_MS, "stamped inside its window");
        assertNull(s1First.single, "many events folded: no single event to keep");

        WindowAggregate merged = new PartialMerger().add(s1First, new PartialMerger().createAccumulator());
        assertEquals(expected.count, merged.count);
        int field = merged.fieldIndex("value");
        assertEquals(expected.sums[expected.fieldIndex("value")], merged.sums[field], 1e-9);
        assertEquals(expected.mins[expected.fieldIndex("value")], merged.mins[field]);
        assertEquals(expected.maxs[expected.fieldIndex("value")], merged.maxs[field]);
    }

    @Test
    void aFullBufferAsksToBeDrainedAndALoneEventKeepsItself() {
        PreAggregationBuffer buffer = new PreAggregationBuffer(WINDOW_MS, 2);
        assertFalse(buffer.add(event("a", 1_000, 1)));
        assertTrue(buffer.add(event("b", 1_000, 1)), "two (key, window) pairs: full");

        KeyedEvent late = event("a", 2_000, 3);
        PartialAggregate alone = buffer.single(late);
        assertSame(late, alone.single, "a late event reaches the dead-letter topic as it was");
        assertEquals(1, alone.folded.count);
        assertEquals(2, buffer.size(), "sent alone, not buffered");
    }

    @Test
    void windowsStartWhereFlinksTumblingWindowsStartIncludingBeforeTheEpoch() {
        PreAggregationBuffer buffer = new PreAggregationBuffer(WINDOW_MS, 10);
        assertEquals(10_000, buffer.windowStart(19_999));
        assertEquals(20_000, buffer.windowStart(20_000));
        assertEquals(-10_000, buffer.windowStart(-1));
    }

    private static KeyedEvent event(String series, long eventTimeMs, double value) {
        KeyedEvent event = new KeyedEvent();
        event.stream = "sensors";
        event.series = series;
        event.eventTimeMs = eventTimeMs;
        event.fields = new String[] {"value"};
        event.values = new double[] {value};
        return event;
    }
}
