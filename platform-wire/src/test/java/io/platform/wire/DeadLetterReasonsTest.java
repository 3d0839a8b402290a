package io.platform.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The reasons the pipeline writes map to the few classes the DLQ metrics are labelled with. */
class DeadLetterReasonsTest {
    @Test
    void everyReasonThePipelineWritesHasItsClass() {
        assertEquals("malformed_json", DeadLetterReasons.classify("malformed JSON: Unexpected character ('x' (code 120))"));
        assertEquals("not_an_object", DeadLetterReasons.classify("event must be a JSON object, got ARRAY"));
        assertEquals("missing_field", DeadLetterReasons.classify("missing field 'ts' (long)"));
        assertEquals("unknown_field", DeadLetterReasons.classify("unknown field 'colour'"));
        assertEquals("wrong_type", DeadLetterReasons.classify("field 'temperature': expected double, got STRING"));
        assertEquals("unknown_schema", DeadLetterReasons.classify("schema id=77 is not a registered schema of stream=s (latest id=3)"));
        assertEquals("bad_encoding", DeadLetterReasons.classify("Avro body ends before the record does (truncated?)"));
        assertEquals("bad_encoding", DeadLetterReasons.classify("unknown magic byte 7, expected 0"));
        assertEquals("other", DeadLetterReasons.classify("something new"));
        assertEquals("other", DeadLetterReasons.classify(null));
    }

    @Test
    void classesAreAFixedSmallSet() {
        for (String reason : new String[] {"malformed JSON", "missing field 'a'", "a".repeat(500), "field 'x': bad"}) {
            assertTrue(Arrays.asList(DeadLetterReasons.CLASSES).contains(DeadLetterReasons.classify(reason)));
        }
    }
}
