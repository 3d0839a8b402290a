package io.platform.ingest.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.wire.schema.StreamSchema;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityTest {
    private static Schema schema(String extraFields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"ts\",\"type\":\"long\"}"
                + extraFields + "]}");
    }

    private static final Schema V1 = schema(",{\"name\":\"a\",\"type\":\"string\"}");
    private static final Schema ADD_WITH_DEFAULT = schema(",{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}");
    private static final Schema ADD_WITHOUT_DEFAULT = schema(",{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\"}");
    private static final Schema DROP_A = schema("");

    private static List<StreamSchema> versions(Schema... schemas) {
        StreamSchema[] out = new StreamSchema[schemas.length];
        for (int i = 0; i < schemas.length; i++) {
            out[i] = StreamSchema.define("s", i + 1, 100 + i, schemas[i], "ts", List.of());
        }
        return List.of(out);
    }

    @Test
    void backwardAllowsAddingFieldsWithDefaultsOnly() {
        assertNull(Compatibility.BACKWARD.violation(ADD_WITH_DEFAULT, versions(V1)));
        String reason = Compatibility.BACKWARD.violation(ADD_WITHOUT_DEFAULT, versions(V1));
        assertNotNull(reason);
        assertTrue(reason.contains("READER_FIELD_MISSING_DEFAULT_VALUE") && reason.contains("version=1"), reason);
        assertNull(Compatibility.BACKWARD.violation(DROP_A, versions(V1)));
    }

    @Test
    void forwardAllowsDroppingFieldsOnlyWhenOldReadersHaveDefaults() {
        assertNotNull(Compatibility.FORWARD.violation(DROP_A, versions(V1)));
        assertNull(Compatibility.FORWARD.violation(ADD_WITHOUT_DEFAULT, versions(V1)));
        assertNotNull(Compatibility.FULL.violation(ADD_WITHOUT_DEFAULT, versions(V1)));
        assertNull(Compatibility.FULL.violation(ADD_WITH_DEFAULT, versions(V1)));
    }

    @Test
    void transitiveRulesCheckEveryEarlierVersion() {
        // v1 has a, v2 dropped it; re-adding a without default reads v2 data but not v1 data... and vice versa
        Schema readdWithoutDefault = schema(",{\"name\":\"a\",\"type\":\"int\"}");
        assertNull(Compatibility.FORWARD.violation(readdWithoutDefault, versions(V1, DROP_A)));
        String reason = Compatibility.FORWARD_TRANSITIVE.violation(readdWithoutDefault, versions(V1, DROP_A));
        assertNotNull(reason);
        assertTrue(reason.contains("version=1"), reason);
        assertNull(Compatibility.NONE.violation(readdWithoutDefault, versions(V1, DROP_A)));
    }

    @Test
    void parsesNamesInAnyCaseAndRefusesUnknownOnes() throws Exception {
        assertEquals(Compatibility.FULL_TRANSITIVE, Compatibility.parse("full_transitive"));
        assertTrue(assertThrows(IncompatibleSchemaException.class, () -> Compatibility.parse("SIDEWAYS")).getMessage().contains("BACKWARD"));
    }
}
