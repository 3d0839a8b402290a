package io.platform.observability.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records who changed what: one INFO event on the {@value #LOGGER} logger, which the JSON log files keep apart under
 * the audit class with the longest retention. Callers pass plain values; the line reads
 * {@code action=schema.register subject=sensors detail=...}. Thread-safe.
 */
public final class AuditLog {
    public static final String LOGGER = "audit";
    private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER);

    private AuditLog() {
    }

    /**
     * @param action what was done, dotted: {@code schema.register}, {@code dlq.replay}, {@code job.cancel}, {@code access.denied}
     * @param subject what it was done to: a stream, a job, a principal
     * @param detail anything else worth keeping (versions, counts, reasons)
     */
    public static void record(String action, String subject, String detail) {
        AUDIT.info("action={} subject={} detail={}", action, subject, detail);
    }
}
