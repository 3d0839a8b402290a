package io.platform.deploy.node;

import io.netty.handler.ssl.SslContext;
import io.platform.network.tcp.TlsContexts;
import io.platform.network.tcp.TlsHandshakes;
import io.platform.security.tls.CertificateAuthority;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * The node's TLS material under {@code <data dir>/tls}: a certificate authority created on first use (its key in
 * {@code ca.p12}, password in {@code password}, both owner-only), a server certificate re-issued at every start for the
 * bind host, and client certificates issued on request ({@code platform tls issue-client}).
 */
public final class NodeTls {
    private final Path dir;
    private final char[] password;
    private final CertificateAuthority ca;

    private NodeTls(Path dir, char[] password, CertificateAuthority ca) {
        this.dir = dir;
        this.password = password;
        this.ca = ca;
    }

    public static NodeTls open(Path dataDir) throws Exception {
        Path dir = dataDir.resolve("tls");
        Files.createDirectories(dir);
        Path passwordFile = dir.resolve("password");
        if (!Files.exists(passwordFile)) {
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            Files.writeString(passwordFile, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
            try {
                Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not POSIX
            }
        }
        char[] password = Files.readString(passwordFile, StandardCharsets.US_ASCII).trim().toCharArray();
        Path caFile = dir.resolve("ca.p12");
        CertificateAuthority ca;
        if (Files.exists(caFile)) {
            ca = CertificateAuthority.load(caFile, password);
        } else {
            ca = CertificateAuthority.create("platform node CA", Duration.ofDays(3650));
            ca.save(caFile, password);
        }
        return new NodeTls(dir, password, ca);
    }

    /** A server context for the node's listeners: a fresh 30-day certificate for {@code host} and localhost. */
    public SslContext serverContext(String host) throws Exception {
        return TlsContexts.server(ca.issueServer("platform-node", Duration.ofDays(30), host, "localhost", "127.0.0.1").keyStore(password),
                password, ca.trustStore());
    }

    /** Issues a client certificate (PKCS12 protected by the node's TLS password) to {@code out}. */
    public void issueClient(String name, Duration validity, Path out) throws Exception {
        issueClient(name, validity, out, null);
    }

    /**
     * Issues a client certificate to {@code p12} (PKCS12 protected by the node's TLS password) and, when
     * {@code pemDir} is given, the same key and certificate as PEM files there ({@code <name>.crt}, {@code <name>.key},
     * {@code ca.crt}) for clients that take PEM (curl, kcat, kafkajs).
     */
    public void issueClient(String name, Duration validity, Path p12, Path pemDir) throws Exception {
        CertificateAuthority.IssuedCertificate issued = ca.issueClient(name, validity);
        try (OutputStream file = Files.newOutputStream(p12)) {
            issued.keyStore(password).store(file, password);
        }
        if (pemDir != null) {
            issued.writePem(pemDir, name);
        }
    }

    /** A client context from a PKCS12 issued by {@link #issueClient}, trusting this node's authority. */
    public SslContext clientContext(Path clientKeyStore) throws Exception {
        return TlsContexts.client(loadKeyStore(clientKeyStore), password, ca.trustStore());
    }

    /** A client that tells full from resumed handshakes, with a certificate issued by {@link #issueClient}. */
    public TlsHandshakes.Client handshakeClient(Path clientKeyStore) throws Exception {
        return new TlsHandshakes.Client(loadKeyStore(clientKeyStore), password, ca.trustStore());
    }

    /** The node's authority as a trust store, for clients that verify the node's listeners. */
    public KeyStore trustStore() throws Exception {
        return ca.trustStore();
    }

    private KeyStore loadKeyStore(Path file) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keys.load(in, password);
        }
        return keys;
    }

    public Path directory() {
        return dir;
    }
}
