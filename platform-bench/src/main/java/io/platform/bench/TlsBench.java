package io.platform.bench;

import io.netty.handler.ssl.SslContext;
import io.platform.deploy.demo.GatewayLoad;
import io.platform.deploy.node.NodeConfig;
import io.platform.deploy.node.NodeTls;
import io.platform.deploy.node.PlatformNode;
import io.platform.ingest.client.GatewayClient;
import io.platform.network.tcp.TlsHandshakes;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * {@code platform bench tls}: what TLS 1.3 costs at the gateway. First handshakes against the TCP and HTTPS listeners,
 * full (a cold client every time) against resumed (one client whose session tickets let it skip the certificate
 * exchange); then saturating ingest over mutual-TLS TCP against the same load over plain TCP on an otherwise identical
 * node, so the ratio is TLS's throughput cost.
 */
public final class TlsBench {
    private final PrintStream out;
    private final int handshakes;

    public TlsBench(PrintStream out, int handshakes) {
        this.out = out;
        this.handshakes = handshakes;
    }

    /** @param tlsNode, plainNode settings of two ingest-only nodes: TLS is switched on for the first and off for the second */
    public void run(NodeConfig.Builder tlsNode, NodeConfig.Builder plainNode, int warmupSeconds, int durationSeconds) throws Exception {
        GatewayLoad.Result overTls;
        try (PlatformNode node = PlatformNode.start(tlsNode.set("gateway.tls.enabled", "true").build())) {
            NodeTls tls = NodeTls.open(node.config().dataDir());
            Path certificate = Files.createTempFile(node.config().dataDir(), "bench-client", ".p12");
            tls.issueClient("bench-client", Duration.ofHours(1), certificate);
            out.printf("bench tls: %d handshakes per row (TCP connect + TLS 1.3 handshake with client certificate)%n", handshakes);
            out.printf("%-36s %10s %10s %10s %10s %10s%n", "listener / handshake", "resumed", "p50 ms", "p99 ms", "p999 ms", "max ms");
            byte[] health = TlsHandshakes.httpGet(node.host(), "/health");
            Histogram tcpFull = handshakes(tls, certificate, node.host(), node.gatewayTcpPort(), null, false, "gateway TCP, full");
            Histogram tcpResumed = handshakes(tls, certificate, node.host(), node.gatewayTcpPort(), null, true, "gateway TCP, resumed");
            Histogram httpsFull = handshakes(tls, certificate, node.host(), node.gatewayHttpPort(), health, false, "gateway HTTPS, full");
            Histogram httpsResumed = handshakes(tls, certificate, node.host(), node.gatewayHttpPort(), health, true,
                    "gateway HTTPS, resumed");
            out.printf("resumed/full p50: TCP %.2f, HTTPS %.2f%n%n", ratio(tcpResumed, tcpFull, 50), ratio(httpsResumed, httpsFull, 50));

            SslContext client = tls.clientContext(certificate);
            EndToEndBench bench = new EndToEndBench(node, out).via("mutual TLS 1.3 TCP",
                    () -> GatewayClient.connect(node.host(), node.gatewayTcpPort(), client));
            out.println("saturating ingest over mutual TLS 1.3 ...");
            overTls = bench.gateway(0, warmupSeconds, durationSeconds, false);
            bench.report(overTls);
        }
        try (PlatformNode node = PlatformNode.start(plainNode.set("gateway.tls.enabled", "false").build())) {
            EndToEndBench bench = new EndToEndBench(node, out);
            out.println("\nsaturating ingest over plain TCP ...");
            GatewayLoad.Result plain = bench.gateway(0, warmupSeconds, durationSeconds, false);
            bench.report(plain);
            out.printf("%nTLS/plain throughput %.3f   ack p99 TLS/plain %.3f%n", overTls.eventsPerSecond() / plain.eventsPerSecond(),
                    overTls.ack().getValueAtPercentile(99) / (double) Math.max(1, plain.ack().getValueAtPercentile(99)));
        }
    }

    private Histogram handshakes(NodeTls tls, Path certificate, String host, int port, byte[] request, boolean resume, String label)
            throws Exception {
        Histogram nanos = new Histogram(60_000_000_000L, 3);
        TlsHandshakes.Client shared = tls.handshakeClient(certificate);
        shared.handshake(host, port, request); // warms the JIT; primes the shared client's ticket
        int resumed = 0;
        for (int i = 0; i < handshakes; i++) {
            TlsHandshakes.Client client = resume ? shared : tls.handshakeClient(certificate);
            TlsHandshakes.Handshake handshake = client.handshake(host, port, request);
            nanos.recordValue(handshake.nanos());
            resumed += handshake.resumed() ? 1 : 0;
        }
        out.printf("%-36s %10s %10.3f %10.3f %10.3f %10.3f%n", label, resumed + "/" + handshakes, nanos.getValueAtPercentile(50) / 1e6,
                nanos.getValueAtPercentile(99) / 1e6, nanos.getValueAtPercentile(99.9) / 1e6, nanos.getMaxValue() / 1e6);
        return nanos;
    }

    private static double ratio(Histogram a, Histogram b, double percentile) {
        return a.getValueAtPercentile(percentile) / (double) Math.max(1, b.getValueAtPercentile(percentile));
    }
}
