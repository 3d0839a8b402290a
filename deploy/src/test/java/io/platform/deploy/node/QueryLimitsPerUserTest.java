package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.JdkSslContext;
import io.platform.network.tcp.TlsContexts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With query.tls.enabled the query service takes only clients holding a certificate the node issued, and the name on
 * it is the user whose own limits (query.*-per-user) bound their queries; everyone else gets the node's defaults.
 */
class QueryLimitsPerUserTest {
    @TempDir
    Path dataDir;

    @Test
    void eachUserQueriesUnderTheirOwnLimits() throws Exception {
        try (PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts()
                .set("query.tls.enabled", "true").set("query.max-rows-per-user", "dashboards:1")
                .set("query.timeout-per-user", "analyst:10m").set("probe.enabled", "false").build())) {
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/readings", NodeHarness.READINGS_SCHEMA).statusCode());
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/readings/events",
                    "{\"device\":\"d1\",\"ts\":1700000000000,\"temperature\":1.5}\n{\"device\":\"d2\",\"ts\":1700000000000,\"temperature\":2.5}").statusCode());
            NodeTls tls = NodeTls.open(dataDir);
            HttpClient dashboards = client(tls, "dashboards");
            HttpClient analyst = client(tls, "analyst");
            String perDevice = "SELECT device, count(*) AS n FROM readings GROUP BY device ORDER BY device";
            NodeHarness.await("both events stored", Duration.ofSeconds(60), () -> {
                try {
                    return query(analyst, node, perDevice).body().lines().count() == 2;
                } catch (Exception e) {
                    return false;
                }
            });
            HttpResponse<String> limited = query(dashboards, node, perDevice);
            assertTrue(limited.body().contains("query has more than 1 groups"), "dashboards may hold one group: " + limited.body());
            assertEquals("{\"device\":\"d1\",\"n\":1}", query(dashboards, node, "SELECT device, count(*) AS n FROM readings WHERE device = 'd1' GROUP BY device")
                    .body().trim(), "one group is within the limit");
            assertEquals(2, query(analyst, node, perDevice).body().lines().count(), "analyst has the default max-rows");

            HttpClient anonymous = HttpClient.newBuilder().sslContext(((JdkSslContext) TlsContexts.client(null, null, tls.trustStore())).context()).build();
            assertThrows(java.io.IOException.class, () -> query(anonymous, node, perDevice), "no certificate, no queries");
            assertThrows(java.io.IOException.class, () -> NodeHarness.get(NodeHarness.query(node) + "/health"), "no plain HTTP");
        }
    }

    @Test
    void perUserLimitsWithoutMutualTlsAreAConfigErrorThatSaysWhy() {
        ConfigException refused = assertThrows(ConfigException.class, () -> NodeConfig.builder().dataDir(dataDir)
                .set("query.max-rows-per-user", "dashboards:10").build());
        assertTrue(refused.getMessage().contains("need query.tls.enabled=true"), refused.getMessage());
        refused = assertThrows(ConfigException.class, () -> NodeConfig.builder().dataDir(dataDir).set("query.tls.enabled", "true")
                .set("query.timeout-per-user", "dashboards").build());
        assertTrue(refused.getMessage().contains("'dashboards' is not name:value, e.g. query.timeout-per-user=dashboards:2s"), refused.getMessage());
    }

    private HttpClient client(NodeTls tls, String user) throws Exception {
        Path certificate = dataDir.resolve(user + ".p12");
        tls.issueClient(user, Duration.ofDays(1), certificate);
        return HttpClient.newBuilder().sslContext(((JdkSslContext) tls.clientContext(certificate)).context()).build();
    }

    private static HttpResponse<String> query(HttpClient client, PlatformNode node, String sql) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://" + node.host() + ":" + node.queryHttpPort() + "/v1/query"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
