package io.platform.deploy.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code platform_security_refusals_total{transport, reason}}: requests and frames refused for want of a certificate
 * or of a grant, so an operator sees a misconfigured client or a probing one without reading the audit log.
 * Thread-safe.
 */
final class Refusals {
    private final Counter httpNoCertificate;
    private final Counter httpDenied;
    private final Counter tcpNoCertificate;
    private final Counter tcpDenied;
    private final Counter httpRevoked;
    private final Counter tcpRevoked;

    Refusals(MeterRegistry registry) {
        this.httpNoCertificate = counter(registry, "http", "no_certificate");
        this.httpDenied = counter(registry, "http", "denied_by_policy");
        this.tcpNoCertificate = counter(registry, "binary", "no_certificate");
        this.tcpDenied = counter(registry, "binary", "denied_by_policy");
        this.httpRevoked = counter(registry, "http", "revoked");
        this.tcpRevoked = counter(registry, "binary", "revoked");
    }

    private static Counter counter(MeterRegistry registry, String transport, String reason) {
        return Counter.builder("platform.security.refusals")
                .description("requests (http) and frames (binary: TCP, Aeron) refused by the access check, by reason")
                .tag("transport", transport).tag("reason", reason).register(registry);
    }

    void httpNoCertificate() {
        httpNoCertificate.increment();
    }

    void httpDenied() {
        httpDenied.increment();
    }

    void binaryNoCertificate() {
        tcpNoCertificate.increment();
    }

    void binaryDenied() {
        tcpDenied.increment();
    }

    void httpRevoked() {
        httpRevoked.increment();
    }

    void binaryRevoked() {
        tcpRevoked.increment();
    }
}
