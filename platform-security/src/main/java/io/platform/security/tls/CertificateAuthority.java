package io.platform.security.tls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for one platform deployment: it signs server certificates (with their host names as
 * subject alternative names) and client certificates (the identity RBAC sees), both ECDSA P-256 and short-lived,
 * so a leaked one expires on its own. Thread-safe.
 */
public final class CertificateAuthority {
    private final KeyPair keys;
    private final X509Certificate certificate;
    private final SecureRandom random = new SecureRandom();

    private CertificateAuthority(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A new authority whose own certificate is valid for {@code validity}. */
    public static CertificateAuthority create(String name, Duration validity) throws Exception {
        KeyPair keys = newKeyPair();
        X500Name subject = new X500Name("CN=" + name);
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), subject, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new CertificateAuthority(keys, sign(builder, keys.getPrivate()));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Keeps the authority's key and certificate in a PKCS12 file readable by its owner only. */
    public void save(Path file, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("platform-ca", keys.getPrivate(), password, new Certificate[] {certificate});
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    /** Loads an authority saved with {@link #save}. */
    public static CertificateAuthority load(Path file, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        PrivateKey key = (PrivateKey) store.getKey("platform-ca", password);
        X509Certificate certificate = (X509Certificate) store.getCertificate("platform-ca");
        return new CertificateAuthority(new KeyPair(certificate.getPublicKey(), key), certificate);
    }

    /** A key and certificate for a server reachable as {@code hosts} (DNS names or IP addresses). */
    public IssuedCertificate issueServer(String commonName, Duration validity, String... hosts) throws Exception {
        GeneralName[] names = new GeneralName[hosts.length];
        for (int i = 0; i < hosts.length; i++) {
            names[i] = new GeneralName(hosts[i].matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, hosts[i]);
        }
        return issue(commonName, Instant.now().minusSeconds(60), Instant.now().plus(validity), KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(names));
    }

    /** A key and certificate identifying a client (service or user) as {@code commonName}. */
    public IssuedCertificate issueClient(String commonName, Duration validity) throws Exception {
        return issue(commonName, Instant.now().minusSeconds(60), Instant.now().plus(validity), KeyPurposeId.id_kp_clientAuth, null);
    }

    /** A client certificate whose validity ended before now: for testing that expired certificates are refused. */
    public IssuedCertificate issueExpiredClient(String commonName) throws Exception {
        Instant now = Instant.now();
        return issue(commonName, now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)), KeyPurposeId.id_kp_clientAuth, null);
    }

    private IssuedCertificate issue(String commonName, Instant notBefore, Instant notAfter, KeyPurposeId purpose, GeneralNames names)
            throws Exception {
        KeyPair pair = newKeyPair();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, new BigInteger(64, random),
                Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + commonName), pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        if (names != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, names);
        }
        return new IssuedCertificate(pair.getPrivate(), sign(builder, keys.getPrivate()), certificate);
    }

    /** A trust store holding this authority's certificate. */
    public KeyStore trustStore() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("platform-ca", certificate);
        return store;
    }

    private static KeyPair newKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws Exception {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    /** An issued key and certificate with the chain up to the authority. */
    public record IssuedCertificate(PrivateKey key, X509Certificate certificate, X509Certificate issuer) {
        /** A key store with this key and its chain, for a {@link javax.net.ssl.KeyManagerFactory}. */
        public KeyStore keyStore(char[] password) throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("platform", key, password, new Certificate[] {certificate, issuer});
            return store;
        }

        /**
         * Writes {@code <name>.crt} (the certificate and its issuer), {@code <name>.key} (the private key, PKCS#8,
         * readable by its owner only) and {@code ca.crt} (the authority) as PEM into {@code dir}: what curl, kcat,
         * kafkajs and OpenSSL-based clients take.
         */
        public void writePem(Path dir, String name) throws IOException {
            Files.createDirectories(dir);
            writePem(dir.resolve(name + ".crt"), certificate, issuer);
            Path keyFile = dir.resolve(name + ".key");
            Files.deleteIfExists(keyFile);
            Files.createFile(keyFile);
            try {
                Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not POSIX: the directory's permissions protect it
            }
            writePem(keyFile, new JcaPKCS8Generator(key, null).generate());
            writePem(dir.resolve("ca.crt"), issuer);
        }

        private static void writePem(Path file, Object... objects) throws IOException {
            try (JcaPEMWriter pem = new JcaPEMWriter(Files.newBufferedWriter(file, StandardCharsets.US_ASCII))) {
                for (Object object : objects) {
                    pem.writeObject(object);
                }
            }
        }
    }
}
