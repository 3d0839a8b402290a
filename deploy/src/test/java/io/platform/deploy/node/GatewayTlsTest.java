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
import org.junit.jupiter.api.io.TempDir;

/** A node with gateway.tls.enabled takes binary frames only from clients holding a certificate it issued. */
class GatewayTlsTest {
    @TempDir
    Path dataDir;

    @Test
    void acceptsEventsFromAnIssuedClientCertificateAndRefusesAnonymousClients() throws Exception {
        try (PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts()
                .set("gateway.tls.enabled", "true").set("probe.enabled", "false").build())) {
            int schemaId = new ObjectMapper().readTree(NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/secured",
                    NodeHarness.READINGS_SCHEMA).body()).get("id").asInt();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
            encoder.writeString("tls-device");
            encoder.writeLong(1_700_000_000_000L);
            encoder.writeDouble(4.5);
            encoder.flush();
            byte[] event = WireFormat.encode(schemaId, body.toByteArray());

            NodeTls tls = NodeTls.open(dataDir);
            Path clientCertificate = dataDir.resolve("sensor-1.p12");
            tls.issueClient("sensor-1", Duration.ofDays(1), clientCertificate);
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
        }
    }
}
