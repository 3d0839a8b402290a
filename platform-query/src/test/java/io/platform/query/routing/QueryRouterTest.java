package io.platform.query.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.observability.http.ServiceHttpServer;
import io.platform.query.exec.AdmissionControl;
import io.platform.query.exec.QueryEngine;
import io.platform.query.exec.QueryLimits;
import io.platform.query.http.QueryHttpApi;
import io.platform.storage.StorageOptions;
import io.platform.storage.StoreBatch;
import io.platform.storage.TimeSeriesStore;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A router over two real query nodes (HTTP servers with engines over one store) on loopback ephemeral ports. */
class QueryRouterTest {
    private static final Schema SCHEMA = io.platform.query.WireEvents.READINGS;
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;
    private TimeSeriesStore store;
    private ServiceHttpServer lookupNode;
    private ServiceHttpServer scanNode;
    private ServiceHttpServer router;
    private final HttpClient client = HttpClient.newHttpClient();

    private static byte[] encode(String device, long ts, double temperature) throws Exception {
        return io.platform.query.WireEvents.encode(SCHEMA, device, ts, temperature);
    }

    private ServiceHttpServer queryNode(SchemaCatalog catalog) throws Exception {
        ServiceHttpServer server = new ServiceHttpServer("query", "127.0.0.1", 0, 4, () -> true);
        new QueryHttpApi(new QueryEngine(store, catalog, "10s", new QueryLimits(10_000, 1000)), new AdmissionControl(2, 4, 10_000)).install(server);
        server.start();
        return server;
    }

    private static URI base(ServiceHttpServer server) {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    @BeforeEach
    void start() throws Exception {
        store = TimeSeriesStore.open(dir, StorageOptions.defaults());
        SchemaCatalog catalog = SchemaCatalog.detached();
        catalog.apply(StreamSchema.define("readings", 1, 100, SCHEMA, "ts", List.of("device")));
        try (StoreBatch batch = store.newBatch()) {
            for (int i = 0; i < 100; i++) {
                batch.putRaw("readings", "d" + (i % 4), i * 60_000L, 0, i, encode("d" + (i % 4), i * 60_000L, i));
            }
            store.commit(batch);
        }
        lookupNode = queryNode(catalog);
        scanNode = queryNode(catalog);
        router = new ServiceHttpServer("router", "127.0.0.1", 0, 4, () -> true);
        // the router plans over the catalog alone: no store
        new QueryRouter(new QueryEngine(null, catalog, "10s", QueryLimits.defaults()), HOUR, List.of(base(lookupNode)), List.of(base(scanNode)))
                .install(router);
        router.start();
    }

    @AfterEach
    void stop() {
        router.close();
        lookupNode.close();
        scanNode.close();
        store.close();
    }

    private HttpResponse<String> query(String sql) throws Exception {
        return client.send(HttpRequest.newBuilder(base(router).resolve("/v1/query")).POST(HttpRequest.BodyPublishers.ofString(sql)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void lookupsGoToTheLookupNodesAndScansToTheScanNodesWithTheNodesAnswers() throws Exception {
        HttpResponse<String> series = query("SELECT count(*) AS n FROM readings WHERE device = 'd1'");
        assertEquals("lookup", series.headers().firstValue("X-Platform-Route").orElseThrow());
        assertEquals(base(lookupNode).toString(), series.headers().firstValue("X-Platform-Node").orElseThrow());
        assertEquals("{\"n\":25}", series.body().trim());

        HttpResponse<String> shortRange = query("SELECT count(*) AS n FROM readings WHERE ts >= 0 AND ts < 1800000");
        assertEquals("lookup", shortRange.headers().firstValue("X-Platform-Route").orElseThrow(), "half an hour of every series");
        assertEquals("{\"n\":30}", shortRange.body().trim());

        HttpResponse<String> scan = query("SELECT device, count(*) AS n FROM readings GROUP BY device ORDER BY device");
        assertEquals("scan", scan.headers().firstValue("X-Platform-Route").orElseThrow());
        assertEquals(base(scanNode).toString(), scan.headers().firstValue("X-Platform-Node").orElseThrow());
        assertEquals(4, scan.body().trim().split("\n").length);

        HttpResponse<String> wrong = query("SELECT nope FROM readings");
        assertEquals(400, wrong.statusCode(), "the node's planning error passes through");
        assertTrue(wrong.body().contains("unknown column 'nope'"), wrong.body());
    }

    @Test
    void whenAPoolIsDownItsQueriesGoToTheOtherAndWithNoNodeLeftTheAnswerSaysWhichWereTried() throws Exception {
        lookupNode.close();
        HttpResponse<String> series = query("SELECT count(*) AS n FROM readings WHERE device = 'd1'");
        assertEquals(200, series.statusCode());
        assertEquals(base(scanNode).toString(), series.headers().firstValue("X-Platform-Node").orElseThrow());
        assertEquals("{\"n\":25}", series.body().trim());
        scanNode.close();
        HttpResponse<String> none = query("SELECT count(*) AS n FROM readings");
        assertEquals(502, none.statusCode());
        assertTrue(none.body().contains("no query node answered the scan query") && none.body().contains(base(lookupNode).toString()), none.body());
    }
}
