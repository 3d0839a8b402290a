package io.platform.security.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Who may do what: roles on streams, node-wide actions, refusals that say which grant would allow them. */
class AuthorizerTest {
    private static final AccessPolicy POLICY = AccessPolicy.parse("""
            {"bindings":[
              {"principal":"ingest-svc","role":"writer","streams":["readings"]},
              {"principal":"analyst","role":"reader","streams":["sensors.*"]},
              {"principal":"auditor","role":"pii-reader","streams":["*"]},
              {"principal":"etl","role":"job-submitter","streams":["readings"]},
              {"principal":"ops","role":"admin"}
            ]}""");

    private final Authorizer authorizer = Authorizer.of(POLICY);

    @Test
    void aWriterIngestsAndRegistersOnlyItsStreamsAndReadsNothing() {
        assertTrue(authorizer.allows("ingest-svc", Action.INGEST, "readings"));
        assertTrue(authorizer.allows("ingest-svc", Action.REGISTER_SCHEMA, "readings"));
        assertTrue(authorizer.allows("ingest-svc", Action.REPLAY_DEAD_LETTERS, "readings"));
        assertFalse(authorizer.allows("ingest-svc", Action.INGEST, "payments"));
        assertFalse(authorizer.allows("ingest-svc", Action.QUERY, "readings"));
    }

    @Test
    void streamPatternsCoverPrefixesAndStar() {
        assertTrue(authorizer.allows("analyst", Action.QUERY, "sensors.temperature"));
        assertFalse(authorizer.allows("analyst", Action.QUERY, "sensorsX"), "the prefix includes the dot");
        assertFalse(authorizer.allows("analyst", Action.READ_PII, "sensors.temperature"), "a reader sees PII as NULL");
        assertTrue(authorizer.allows("auditor", Action.READ_PII, "anything"));
    }

    @Test
    void jarJobsAndNodeOperationsAreAdminOnly() {
        assertTrue(authorizer.allows("etl", Action.RUN_SQL_JOBS, "readings"));
        assertFalse(authorizer.allows("etl", Action.RUN_JAR_JOBS, "readings"));
        assertTrue(authorizer.allows("ops", Action.RUN_JAR_JOBS, Resource.NODE));
        assertTrue(authorizer.allows("ops", Action.OPERATE, "ignored for node actions"));
        assertFalse(authorizer.allows("auditor", Action.MANAGE_ACCESS, Resource.NODE));
    }

    @Test
    void anUnknownPrincipalIsRefusedAndTheRefusalNamesTheGrantThatWouldAllowIt() {
        Decision decision = authorizer.decide("mallory", Action.INGEST, "readings");
        assertFalse(decision.allowed());
        assertEquals("principal 'mallory' may not ingest on stream 'readings'; an admin can allow it with:"
                + " platform access grant mallory writer --stream readings", decision.reason());
        assertTrue(authorizer.decide("mallory", Action.OPERATE, Resource.NODE).reason()
                .endsWith("platform access grant mallory admin"));
    }

    @Test
    void anUpdateChangesTheNextDecisionEvenWhenTheOldOneWasCached() {
        assertFalse(authorizer.allows("newcomer", Action.QUERY, "readings"));
        authorizer.update(POLICY.with(new Binding("newcomer", Role.READER, List.of("readings"))));
        assertTrue(authorizer.allows("newcomer", Action.QUERY, "readings"));
        authorizer.update(POLICY);
        assertFalse(authorizer.allows("newcomer", Action.QUERY, "readings"));
    }

    @Test
    void everyClientBindingAppliesToEveryPrincipal() {
        Authorizer open = Authorizer.of(AccessPolicy.parse("{\"bindings\":[{\"principal\":\"*\",\"role\":\"reader\",\"streams\":[\"public\"]}]}"));
        assertTrue(open.allows("anyone", Action.QUERY, "public"));
        assertFalse(open.allows("anyone", Action.QUERY, "private"));
    }

    @Test
    void withoutSecurityEverythingIsAllowed() {
        assertTrue(Authorizer.allowAll().allows(Authorizer.ANONYMOUS, Action.RUN_JAR_JOBS, Resource.NODE));
    }

    @Test
    void aPolicyThatCannotBeEnforcedAsWrittenIsRefusedWithTheBindingAndTheFix() {
        assertEquals("binding 1: role writer needs \"streams\", e.g. [\"readings\"], [\"sensors.*\"] or [\"*\"]",
                assertThrows(IllegalArgumentException.class,
                        () -> AccessPolicy.parse("{\"bindings\":[{\"principal\":\"a\",\"role\":\"writer\"}]}")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> AccessPolicy.parse("{\"bindings\":[{\"principal\":\"a\",\"role\":\"root\"}]}")).getMessage()
                .startsWith("binding 1: 'root' is not a role: use admin, writer, reader, pii-reader or job-submitter"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> AccessPolicy.parse("{\"bindings\":[{\"principal\":\"ops\",\"role\":\"admin\",\"streams\":[\"a\"]}]}")).getMessage()
                .contains("admin applies to every stream"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AccessPolicy.parse("{\"bindings\":")).getMessage()
                .startsWith("not JSON"));
    }
}
