package io.platform.deploy.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.platform.deploy.security.HttpAccessRules.Required;
import io.platform.security.access.Action;
import io.platform.security.access.Resource;
import org.junit.jupiter.api.Test;

/** What each route of a node asks of the policy. */
class HttpAccessRulesTest {
    private static Required required(String method, String path) {
        return HttpAccessRules.required(method, path, null);
    }

    @Test
    void ingestAndRegistrationNeedTheStreamsWriterGrantOnEveryRoute() {
        assertEquals(new Required(Action.INGEST, "readings"), required("POST", "/v1/streams/readings/events"));
        assertEquals(new Required(Action.REGISTER_SCHEMA, "readings"), required("POST", "/v1/schemas/readings"));
        assertEquals(new Required(Action.REGISTER_SCHEMA, "readings"), required("POST", "/subjects/ingest.readings-value/versions"));
        assertEquals(new Required(Action.REGISTER_SCHEMA, "readings"), required("DELETE", "/subjects/ingest.readings-value"));
        assertEquals(new Required(Action.REGISTER_SCHEMA, "readings"), required("PUT", "/config/ingest.readings-value"));
        assertNull(required("POST", "/subjects/ingest.readings-value"), "looking a schema up registers nothing");
        assertNull(required("GET", "/v1/schemas/readings"));
    }

    @Test
    void deadLettersJobsAndOperationsAreCheckedAsTheirActions() {
        assertEquals(new Required(Action.READ_DEAD_LETTERS, "readings"), required("GET", "/v1/dlq/readings/events"));
        assertEquals(new Required(Action.REPLAY_DEAD_LETTERS, "readings"), required("POST", "/v1/dlq/readings/replay"));
        assertEquals(new Required(Action.RUN_JAR_JOBS, Resource.NODE),
                HttpAccessRules.required("POST", "/v1/jobs/hot/submit", "application/java-archive"));
        assertEquals(new Required(Action.RUN_SQL_JOBS, Resource.NODE), HttpAccessRules.required("POST", "/v1/jobs/j/submit", "text/plain"));
        assertEquals(new Required(Action.OPERATE, Resource.NODE), required("POST", "/v1/jobs/readings/cancel"));
        for (String path : new String[] {"/metrics", "/dashboard", "/v1/stats", "/v1/flows", "/v1/segments", "/v1/statistics"}) {
            assertEquals(new Required(Action.OPERATE, Resource.NODE), required("GET", path), path);
        }
        assertEquals(new Required(Action.MANAGE_ACCESS, Resource.NODE), required("POST", "/v1/access/grant"));
        assertNull(required("POST", "/v1/query"), "queries are checked table by table by the query API");
    }
}
