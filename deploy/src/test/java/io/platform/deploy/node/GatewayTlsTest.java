package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.platform.ingest.client.GatewayClient;
import io.platform.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import io.netty.handler.ssl.JdkSslContext;
import io.platform.network.tcp.TlsContexts;
import io.platform.network.tcp.TlsHandshakes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.io.TempDir;

/** A node with gateway.tls.enabled takes events over TCP and HTTPS only from clients holding a certificate it issued. */
class GatewayTlsTest {
    @TempDir
    Path dataDir;

    @Test
    void acceptsEventsFromAnIssuedClientCertificateAndRefusesAnonymousClients() throws Exception {
        try (PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts()
                .set("gateway.tls.enabled", "true").set("probe.enabled", "false").build())) {
            NodeTls tls = NodeTls.open(dataDir);
            Path clientCertificate = dataDir.resolve("sensor-1.p12");
            tls.issueClient("sensor-1", Duration.ofDays(1), clientCertificate);
            HttpClient https = HttpClient.newBuilder().sslContext(((JdkSslContext) tls.clientContext(clientCertificate)).context()).build();
            String gateway = "https://" + node.host() + ":" + node.gatewayHttpPort();
            HttpResponse<String> registered = https.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/schemas/secured"))
                    .POST(HttpRequest.BodyPublishers.ofString(NodeHarness.READINGS_SCHEMA)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, registered.statusCode(), registered.body());
            int schemaId = new ObjectMapper().readTree(registered.body()).get("id").asInt();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
            encoder.writeString("tls-device");
            encoder.writeLong(1_700_000_000_000L);
            encoder.writeDouble(4.5);
            encoder.flush();
            byte[] event = WireFormat.encode(schemaId, body.toByteArray());

            try (GatewayClient client = GatewayClient.connect(node.host(), node.gatewayTcpPort(), tls.clientContext(clientCertificate))) {
                assertTrue(client.send("secured", event, 0).get(10, TimeUnit.SECONDS).accepted());
            }
            NodeHarness.await("the event sent over mutual TLS stored", Duration.ofSeconds(30),
                    () -> NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM secured").equals("{\"n\":1}"));

            assertThrows(Exception.class, () -> {
                try (GatewayClient plain = GatewayClient.connect(node.host(), node.gatewayTcpPort())) {
                    plain.send("secured", event, 0).get(3, TimeUnit.SECONDS);
                }
            }, "a client speaking plain TCP to the TLS listener gets no ack");
            assertEquals("{\"n\":1}", NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM secured"));

            HttpResponse<String> overHttps = https.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/streams/secured/events"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"https-device\",\"ts\":1700000000000,\"temperature\":1.5}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, overHttps.statusCode(), overHttps.body());
            NodeHarness.await("the event sent over HTTPS stored", Duration.ofSeconds(30),
                    () -> NodeHarness.queryFirstLine(node, "SELECT count(*) AS n FROM secured").equals("{\"n\":2}"));

            HttpClient anonymous = HttpClient.newBuilder().sslContext(((JdkSslContext) TlsContexts.client(null, null, tls.trustStore())).context()).build();
            assertThrows(java.io.IOException.class, () -> anonymous.send(HttpRequest.newBuilder(URI.create(gateway + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()), "an HTTPS client without a certificate is refused");
            assertThrows(java.io.IOException.class, () -> NodeHarness.get("http://" + node.host() + ":" + node.gatewayHttpPort() + "/health"),
                    "plain HTTP gets no answer from the HTTPS listener");

            TlsHandshakes.Client returning = tls.handshakeClient(clientCertificate);
            byte[] health = TlsHandshakes.httpGet(node.host(), "/health");
            assertTrue(!returning.handshake(node.host(), node.gatewayHttpPort(), health).resumed());
            assertTrue(returning.handshake(node.host(), node.gatewayHttpPort(), health).resumed(), "HTTPS sessions resume");
        }
    }
}
