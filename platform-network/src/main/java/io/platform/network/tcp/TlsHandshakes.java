package io.platform.network.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Measures TLS 1.3 handshakes against a listener, telling full handshakes from resumed ones. A resumed TLS 1.3
 * handshake (pre-shared key from the server's session ticket) sends no certificate, so the client's trust manager is
 * not asked to check one: {@link Client} counts those checks, and a handshake without one was resumed. One
 * {@link Client} keeps one session cache, as one process's connection pool would; a new {@link Client} starts cold.
 */
public final class TlsHandshakes {
    /** One handshake: TCP connect plus TLS until the client's Finished is sent. */
    public record Handshake(long nanos, boolean resumed, String protocol) {
    }

    private TlsHandshakes() {
    }

    /** A TLS 1.3 client with its own session cache that counts the server certificates it verified. */
    public static final class Client {
        private final SSLContext context;
        private final AtomicLong certificateChecks = new AtomicLong();

        /** @param keys the client certificate for mutual TLS, or null */
        public Client(KeyStore keys, char[] password, KeyStore trusted) throws Exception {
            X509ExtendedTrustManager delegate = (X509ExtendedTrustManager) TlsContexts.trustManagers(trusted).getTrustManagers()[0];
            KeyManagerFactory keyFactory = keys == null ? null : TlsContexts.keyManagers(keys, password);
            context = SSLContext.getInstance("TLSv1.3");
            context.init(keyFactory == null ? null : keyFactory.getKeyManagers(),
                    new TrustManager[] {new Counting(delegate, certificateChecks)}, null);
        }

        public SSLContext context() {
            return context;
        }

        /** Server certificate chains verified so far: one per full handshake. */
        public long certificateChecks() {
            return certificateChecks.get();
        }

        /**
         * Connects, handshakes and then waits for the server's first post-handshake message (the session ticket a
         * later connection resumes with) before closing. {@code request} is written after the handshake when not null
         * (e.g. an HTTP request, so an HTTPS server answers and its ticket arrives with the answer).
         */
        public Handshake handshake(String host, int port, byte[] request) throws IOException {
            long checksBefore = certificateChecks.get();
            long start = System.nanoTime();
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(host, port)) {
                socket.setEnabledProtocols(new String[] {"TLSv1.3"});
                socket.setTcpNoDelay(true);
                socket.startHandshake();
                long nanos = System.nanoTime() - start;
                String protocol = socket.getSession().getProtocol();
                drainTicket(socket, request);
                return new Handshake(nanos, certificateChecks.get() == checksBefore, protocol);
            }
        }

        private static void drainTicket(SSLSocket socket, byte[] request) throws IOException {
            if (request != null) {
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
            }
            socket.setSoTimeout(request != null ? 5_000 : 100);
            InputStream in = socket.getInputStream();
            try {
                // reading processes the NewSessionTicket record; a silent server (binary protocol) times out here
                in.read();
            } catch (SocketTimeoutException expected) {
                // the ticket, if any, has been processed by now
            }
        }
    }

    /** A minimal HTTP/1.1 request for {@code path}, to make an HTTPS server answer. */
    public static byte[] httpGet(String host, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Delegates every check, counting the server chains it verifies. */
    private static final class Counting extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        private final AtomicLong serverChecks;

        Counting(X509ExtendedTrustManager delegate, AtomicLong serverChecks) {
            this.delegate = delegate;
            this.serverChecks = serverChecks;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            serverChecks.incrementAndGet();
            delegate.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            serverChecks.incrementAndGet();
            delegate.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            serverChecks.incrementAndGet();
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
