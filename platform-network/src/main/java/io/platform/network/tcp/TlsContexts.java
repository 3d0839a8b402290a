package io.platform.network.tcp;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.KeyStore;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS 1.3 contexts for the framed TCP transport, on the JDK's provider (AES-GCM runs on AES-NI). The server requires a
 * client certificate signed by the trusted authority (mutual TLS) and keeps a session cache, so a returning client
 * resumes instead of repeating the full handshake. Immutable results; thread-safe.
 */
public final class TlsContexts {
    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private TlsContexts() {
    }

    public static SslContext server(KeyStore keys, char[] password, KeyStore trusted) throws Exception {
        return SslContextBuilder.forServer(keyManagers(keys, password))
                .trustManager(trustManagers(trusted))
                .clientAuth(ClientAuth.REQUIRE)
                .protocols(PROTOCOLS)
                .sslProvider(SslProvider.JDK)
                .sessionCacheSize(10_000)
                .sessionTimeout(3600)
                .build();
    }

    /** A client context; use one per process so its session cache lets later connections resume. */
    public static SslContext client(KeyStore keys, char[] password, KeyStore trusted) throws SSLException, Exception {
        SslContextBuilder builder = SslContextBuilder.forClient().trustManager(trustManagers(trusted)).protocols(PROTOCOLS)
                .sslProvider(SslProvider.JDK).sessionCacheSize(1000).sessionTimeout(3600);
        if (keys != null) {
            builder.keyManager(keyManagers(keys, password));
        }
        return builder.build();
    }

    static KeyManagerFactory keyManagers(KeyStore keys, char[] password) throws Exception {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, password);
        return factory;
    }

    static TrustManagerFactory trustManagers(KeyStore trusted) throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        return factory;
    }

    /** The common name (CN) of the certificate the peer of {@code session} presented, or null when it presented none. */
    public static String commonName(SSLSession session) {
        try {
            String subject = session.getPeerPrincipal().getName();
            for (Rdn rdn : new LdapName(subject).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return subject;
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return null;
        }
    }
}
