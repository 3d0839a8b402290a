package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.platform.deploy.security.SecurityConfig;
import io.platform.ingest.client.GatewayClient;
import io.platform.network.tcp.TlsContexts;
import io.platform.security.tls.RevokedNames;
import io.platform.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With security.enabled every HTTP request of the gateway and the query service comes from a client certificate the
 * node issued, and is allowed only what the policy file grants that name: a refused request answers 403 with the grant
 * that would allow it and stores nothing; grants and hand edits take effect on the running node.
 */
class SecurityEndToEndTest {
    private static final String EVENTS = "{\"device\":\"d1\",\"ts\":1700000000000,\"temperature\":1.5}\n"
            + "{\"device\":\"d2\",\"ts\":1700000000000,\"temperature\":2.5}";
    private static final String COUNT = "SELECT count(*) AS n FROM readings";

    @TempDir
    Path dataDir;

    @Test
    void everyRequestIsCheckedAgainstThePolicyAndChangesApplyWithoutARestart() throws Exception {
        Path policy = dataDir.resolve("policy.json");
        Files.writeString(policy, """
                {"bindings":[
                  {"principal":"ingest-svc","role":"writer","streams":["readings"]},
                  {"principal":"analyst","role":"reader","streams":["readings"]},
                  {"principal":"ops","role":"admin"}
                ]}""");
        try (PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts()
                .set("security.enabled", "true").set("security.policy-file", policy.toString()).set("probe.enabled", "false").build())) {
            assertEquals(-1, node.flightSqlPort(), "Flight SQL authenticates no client yet, so a secured node does not serve it");
            NodeTls tls = NodeTls.open(dataDir);
            HttpClient writer = client(tls, "ingest-svc");
            HttpClient analyst = client(tls, "analyst");
            HttpClient ops = client(tls, "ops");
            String gateway = "https://" + node.host() + ":" + node.gatewayHttpPort();
            String query = "https://" + node.host() + ":" + node.queryHttpPort();

            double deniedHttp = refusals(get(ops, query + "/metrics").body(), "http");
            double deniedBinary = refusals(get(ops, query + "/metrics").body(), "binary");
            HttpResponse<String> registered = post(writer, gateway + "/v1/schemas/readings", NodeHarness.READINGS_SCHEMA);
            assertEquals(200, registered.statusCode());
            byte[] event = avroEvent(new ObjectMapper().readTree(registered.body()).get("id").asInt());
            assertEquals(200, post(writer, gateway + "/v1/streams/readings/events", EVENTS).statusCode());
            try (GatewayClient tcp = GatewayClient.connect(node.host(), node.gatewayTcpPort(), tls.clientContext(dataDir.resolve("analyst.p12")))) {
                GatewayClient.Ack ack = tcp.send("readings", event, 0).get(30, TimeUnit.SECONDS);
                assertTrue(!ack.accepted() && ack.reason().contains("platform access grant analyst writer --stream readings"),
                        "a TCP frame is checked like an HTTP request: " + ack);
            }
            // the writer connects with the PEM files issue-client writes beside the PKCS12 (what curl and kcat take)
            SslContext pem = SslContextBuilder.forClient().keyManager(dataDir.resolve("ingest-svc.crt").toFile(),
                    dataDir.resolve("ingest-svc.key").toFile()).trustManager(dataDir.resolve("ca.crt").toFile()).build();
            try (GatewayClient tcp = GatewayClient.connect(node.host(), node.gatewayTcpPort(), pem)) {
                assertTrue(tcp.send("readings", event, 0).get(30, TimeUnit.SECONDS).accepted());
            }
            HttpResponse<String> refused = post(analyst, gateway + "/v1/streams/readings/events", EVENTS);
            assertEquals(403, refused.statusCode());
            assertTrue(refused.body().contains("principal 'analyst' may not ingest on stream 'readings'")
                    && refused.body().contains("platform access grant analyst writer --stream readings"), refused.body());
            NodeHarness.await("the writer's three events stored (two over HTTPS, one over TCP)", Duration.ofSeconds(60),
                    holds(() -> body(post(analyst, query + "/v1/query", COUNT)).contains("\"n\":3")));

            assertEquals(403, post(writer, query + "/v1/query", COUNT).statusCode(), "a writer reads nothing");
            assertTrue(body(post(writer, query + "/v1/query", COUNT)).contains("platform access grant ingest-svc reader --stream readings"));
            assertEquals(200, post(analyst, query + "/v1/query", "SELECT count(*) AS n FROM readings_10s").statusCode(),
                    "a stream's window aggregates are read under the stream's grant");
            assertEquals(403, get(analyst, gateway + "/metrics").statusCode(), "metrics are node operations");
            assertEquals(200, get(analyst, gateway + "/health").statusCode(), "/health is an open path by default");
            HttpResponse<String> metrics = get(ops, query + "/metrics");
            assertEquals(200, metrics.statusCode());
            assertEquals(4, refusals(metrics.body(), "http") - deniedHttp, "one ingest, two queries, one /metrics refused");
            assertEquals(1, refusals(metrics.body(), "binary") - deniedBinary, "one TCP frame refused");
            assertEquals(403, post(analyst, query + "/v1/access/grant?principal=analyst&role=admin", "").statusCode(),
                    "only admins change the policy");

            assertEquals(200, post(ops, gateway + "/v1/access/grant?principal=analyst&role=writer&streams=readings", "").statusCode());
            assertEquals(200, post(analyst, gateway + "/v1/streams/readings/events", EVENTS).statusCode(), "the grant is in force at once");
            NodeHarness.await("five events stored, none of the refused requests'", Duration.ofSeconds(60),
                    holds(() -> body(post(analyst, query + "/v1/query", COUNT)).contains("\"n\":5")));

            Files.writeString(policy, "{\"bindings\":[{\"principal\":\"ops\",\"role\":\"admin\"}]}");
            NodeHarness.await("a hand edit of the policy file in force within 5 s", Duration.ofSeconds(5),
                    holds(() -> post(analyst, query + "/v1/query", COUNT).statusCode() == 403));

            RevokedNames.revoke(dataDir.resolve("tls"), "ingest-svc");
            NodeHarness.await("a revoked name refused on a running node within 5 s", Duration.ofSeconds(5),
                    holds(() -> post(writer, gateway + "/v1/streams/readings/events", EVENTS).statusCode() == 401));
            assertTrue(post(writer, gateway + "/v1/streams/readings/events", EVENTS).body().contains("were revoked"));
            try (GatewayClient tcp = GatewayClient.connect(node.host(), node.gatewayTcpPort(), pem)) {
                GatewayClient.Ack ack = tcp.send("readings", event, 0).get(30, TimeUnit.SECONDS);
                assertTrue(!ack.accepted() && ack.reason().contains("were revoked"), "revoked over TCP too: " + ack);
            }
            assertEquals(200, get(ops, query + "/metrics").statusCode(), "other clients keep working");

            HttpClient anonymous = HttpClient.newBuilder()
                    .sslContext(((JdkSslContext) TlsContexts.client(null, null, tls.trustStore())).context()).build();
            assertThrows(IOException.class, () -> get(anonymous, gateway + "/health"), "no certificate, no connection");
        }
    }

    @Test
    void aNodeReachableFromOtherMachinesRefusesToStartWithoutSecurityUnlessToldToOnPurpose() {
        ConfigException refused = assertThrows(ConfigException.class,
                () -> SecurityConfig.from(NodeConfig.builder().dataDir(dataDir).set("bind.host", "0.0.0.0").build()));
        assertTrue(refused.getMessage().startsWith("bind.host=0.0.0.0 is reachable from other machines and security.enabled=false")
                && refused.getMessage().contains("security.insecure=true"), refused.getMessage());
        SecurityConfig.from(NodeConfig.builder().dataDir(dataDir).set("bind.host", "0.0.0.0").set("security.insecure", "true").build());
        SecurityConfig.from(NodeConfig.builder().dataDir(dataDir).set("bind.host", "0.0.0.0").set("security.enabled", "true").build());
    }

    /** A readings event in the wire format (magic byte, schema id, Avro body). */
    private static byte[] avroEvent(int schemaId) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
        encoder.writeString("tcp-device");
        encoder.writeLong(1_700_000_000_000L);
        encoder.writeDouble(4.5);
        encoder.flush();
        return WireFormat.encode(schemaId, body.toByteArray());
    }

    private HttpClient client(NodeTls tls, String name) throws Exception {
        Path certificate = dataDir.resolve(name + ".p12");
        tls.issueClient(name, Duration.ofDays(1), certificate, dataDir);
        return HttpClient.newBuilder().sslContext(((JdkSslContext) tls.clientContext(certificate)).context()).build();
    }

    private static HttpResponse<String> post(HttpClient client, String url, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code platform_security_refusals_total} for policy refusals on a transport, 0 before the first. */
    private static double refusals(String metrics, String transport) {
        String series = "platform_security_refusals_total{reason=\"denied_by_policy\",transport=\"" + transport + "\"} ";
        return metrics.lines().filter(line -> line.startsWith(series)).mapToDouble(line -> Double.parseDouble(line.substring(series.length())))
                .findFirst().orElse(0);
    }

    /** A condition to wait on that is false while the request fails. */
    private static BooleanSupplier holds(Callable<Boolean> condition) {
        return () -> {
            try {
                return condition.call();
            } catch (Exception e) {
                return false;
            }
        };
    }

    private static String body(HttpResponse<String> response) {
        return response.body();
    }
}
