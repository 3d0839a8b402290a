/**
 * Certificates for mutual TLS between the platform's services and clients: a small certificate authority that issues
 * short-lived server and client certificates (BouncyCastle), and the JDK key and trust stores built from them. Must not
 * depend on a transport: transports take the contexts built here.
 */
package io.platform.security.tls;
