package io.platform.network.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.handler.ssl.SslContext;
import io.platform.network.FrameHandler;
import io.platform.security.tls.CertificateAuthority;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The framed TCP transport over TLS 1.3 with client certificates, on real sockets on loopback. */
class MutualTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final FrameHandler ECHO = (connection, frame) -> connection.send(frame.retainedDuplicate());
    private static CertificateAuthority ca;
    private static SslContext server;

    @BeforeAll
    static void issueCertificates() throws Exception {
        ca = CertificateAuthority.create("platform-test-ca", Duration.ofDays(1));
        server = TlsContexts.server(ca.issueServer("gateway", Duration.ofHours(1), "127.0.0.1", "localhost").keyStore(PASSWORD), PASSWORD, ca.trustStore());
    }

    private static long echo(FramedTcpClient client, CompletableFuture<Long> reply) throws Exception {
        ByteBuf frame = client.connection().alloc().buffer(8).writeLong(42);
        client.connection().send(frame);
        return reply.get(3, TimeUnit.SECONDS);
    }

    @Test
    void acceptsClientWithCertificateFromTheAuthorityAndSpeaksTls13() throws Exception {
        SslContext client = TlsContexts.client(ca.issueClient("ingest-client", Duration.ofHours(1)).keyStore(PASSWORD), PASSWORD, ca.trustStore());
        try (FramedTcpServer tcp = FramedTcpServer.bind("127.0.0.1", 0, 1, 1024, ECHO, server)) {
            CompletableFuture<Long> reply = new CompletableFuture<>();
            try (FramedTcpClient c = FramedTcpClient.connect("127.0.0.1", tcp.port(), 1024, (conn, f) -> reply.complete(f.getLong(f.readerIndex())), client)) {
                assertEquals("TLSv1.3", c.tlsSession().getProtocol());
                assertEquals(42L, echo(c, reply));
            }
        }
    }

    @Test
    void rejectsClientWithoutCertificate() throws Exception {
        SslContext anonymous = TlsContexts.client(null, null, ca.trustStore());
        try (FramedTcpServer tcp = FramedTcpServer.bind("127.0.0.1", 0, 1, 1024, ECHO, server)) {
            CompletableFuture<Long> reply = new CompletableFuture<>();
            // TLS 1.3 may finish the client's side before the server refuses: then the first exchange fails instead
            assertThrows(Exception.class, () -> {
                try (FramedTcpClient c = FramedTcpClient.connect("127.0.0.1", tcp.port(), 1024, (conn, f) -> reply.complete(0L), anonymous)) {
                    echo(c, reply);
                }
            });
        }
    }

    @Test
    void rejectsExpiredClientCertificate() throws Exception {
        SslContext expired = TlsContexts.client(ca.issueExpiredClient("old-client").keyStore(PASSWORD), PASSWORD, ca.trustStore());
        try (FramedTcpServer tcp = FramedTcpServer.bind("127.0.0.1", 0, 1, 1024, ECHO, server)) {
            CompletableFuture<Long> reply = new CompletableFuture<>();
            assertThrows(Exception.class, () -> {
                try (FramedTcpClient c = FramedTcpClient.connect("127.0.0.1", tcp.port(), 1024, (conn, f) -> reply.complete(0L), expired)) {
                    echo(c, reply);
                }
            });
        }
    }

    @Test
    void refusesAServerItDoesNotTrust() throws Exception {
        CertificateAuthority other = CertificateAuthority.create("someone-else", Duration.ofDays(1));
        SslContext client = TlsContexts.client(ca.issueClient("c", Duration.ofHours(1)).keyStore(PASSWORD), PASSWORD, other.trustStore());
        try (FramedTcpServer tcp = FramedTcpServer.bind("127.0.0.1", 0, 1, 1024, ECHO, server)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> FramedTcpClient.connect("127.0.0.1", tcp.port(), 1024, (conn, f) -> { }, client).close());
            assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
        }
    }

    @Test
    void reportsFullAgainstResumedHandshakeTime() throws Exception {
        SslContext client = TlsContexts.client(ca.issueClient("resumer", Duration.ofHours(1)).keyStore(PASSWORD), PASSWORD, ca.trustStore());
        try (FramedTcpServer tcp = FramedTcpServer.bind("127.0.0.1", 0, 1, 1024, ECHO, server)) {
            long[] nanos = new long[21];
            for (int i = 0; i < nanos.length; i++) {
                long start = System.nanoTime();
                FramedTcpClient.connect("127.0.0.1", tcp.port(), 1024, (conn, f) -> { }, client).close();
                nanos[i] = System.nanoTime() - start;
            }
            long[] later = java.util.Arrays.copyOfRange(nanos, 1, nanos.length);
            java.util.Arrays.sort(later);
            System.out.printf("TLS 1.3 mutual handshake incl. connect: first (full) %.2f ms, later connections median %.2f ms%n",
                    nanos[0] / 1e6, later[later.length / 2] / 1e6);
            assertTrue(nanos[0] > 0 && later[0] > 0);
        }
    }

    @Test
    void aReturningClientResumesItsSessionWithoutAnotherCertificateExchange() throws Exception {
        try (FramedTcpServer tcp = FramedTcpServer.bind("127.0.0.1", 0, 1, 1024, ECHO, server)) {
            TlsHandshakes.Client client = new TlsHandshakes.Client(ca.issueClient("returning", Duration.ofHours(1)).keyStore(PASSWORD), PASSWORD, ca.trustStore());
            TlsHandshakes.Handshake first = client.handshake("127.0.0.1", tcp.port(), null);
            TlsHandshakes.Handshake second = client.handshake("127.0.0.1", tcp.port(), null);
            assertEquals("TLSv1.3", first.protocol());
            assertTrue(!first.resumed(), "a cold client does the full handshake");
            assertTrue(second.resumed(), "the same client resumes from the session ticket");
            assertEquals(1, client.certificateChecks());

            TlsHandshakes.Client cold = new TlsHandshakes.Client(ca.issueClient("cold", Duration.ofHours(1)).keyStore(PASSWORD), PASSWORD, ca.trustStore());
            assertTrue(!cold.handshake("127.0.0.1", tcp.port(), null).resumed(), "another client's sessions are not shared");
        }
    }
}
