package io.platform.storage.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Bulk streams' topics go to their own writers and only there; every other stream's stay with the main writer. */
class StorageWriterTopicsTest {
    @Test
    void bulkAndLatencyWritersSplitTheTopicsWithoutOverlapOrGap() {
        Pattern bulk = StorageWriter.topicsOf(Set.of("history"));
        Pattern rest = StorageWriter.topicsExcept(Set.of("history"));
        for (String topic : new String[] {"ingest.history", "agg.history.10s"}) {
            assertTrue(bulk.matcher(topic).matches(), topic);
            assertFalse(rest.matcher(topic).matches(), topic);
        }
        for (String topic : new String[] {"ingest.sensors", "agg.sensors.10s", "ingest.historyx", "agg.historyx.1m"}) {
            assertFalse(bulk.matcher(topic).matches(), topic);
            assertTrue(rest.matcher(topic).matches(), topic);
        }
        assertFalse(rest.matcher("dlq.sensors").matches());
        assertFalse(rest.matcher("_schemas").matches());
    }
}
