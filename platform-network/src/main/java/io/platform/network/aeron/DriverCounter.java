package io.platform.network.aeron;

import io.aeron.driver.status.SystemCounterDescriptor;

/**
 * The media driver's own counters an operator should see next to the platform's metrics: what went over the wire, what
 * had to be repaired (NAKs, retransmits, gap fills: loss), where senders waited for receivers (back-pressure) and what
 * went wrong (errors, invalid packets, clients that stopped answering). Each only grows while the driver runs.
 * {@link AeronTransport#read} reads one live from the driver's counters file: no copy, no allocation.
 */
public enum DriverCounter {
    BYTES_SENT("platform.aeron.bytes.sent", SystemCounterDescriptor.BYTES_SENT, "bytes the media driver sent over UDP"),
    BYTES_RECEIVED("platform.aeron.bytes.received", SystemCounterDescriptor.BYTES_RECEIVED, "bytes the media driver received over UDP"),
    NAKS_SENT("platform.aeron.naks.sent", SystemCounterDescriptor.NAK_MESSAGES_SENT,
            "NAKs sent: gaps a receiver asked to be resent (loss on the way in)"),
    NAKS_RECEIVED("platform.aeron.naks.received", SystemCounterDescriptor.NAK_MESSAGES_RECEIVED,
            "NAKs received: peers that lost what this driver sent"),
    RETRANSMITS_SENT("platform.aeron.retransmits.sent", SystemCounterDescriptor.RETRANSMITS_SENT, "retransmissions sent in answer to NAKs"),
    LOSS_GAP_FILLS("platform.aeron.loss.gap.fills", SystemCounterDescriptor.LOSS_GAP_FILLS,
            "gaps a receiver filled with padding because the data could no longer be resent: messages lost for good"),
    BACK_PRESSURE_EVENTS("platform.aeron.sender.flow.control.limits", SystemCounterDescriptor.SENDER_FLOW_CONTROL_LIMITS,
            "times a sender reached its receivers' window and had to wait: back-pressure from slow subscribers"),
    SHORT_SENDS("platform.aeron.short.sends", SystemCounterDescriptor.SHORT_SENDS,
            "UDP sends the socket took only in part (full socket buffer)"),
    INVALID_PACKETS("platform.aeron.invalid.packets", SystemCounterDescriptor.INVALID_PACKETS,
            "packets received that were not valid Aeron frames"),
    ERRORS("platform.aeron.errors", SystemCounterDescriptor.ERRORS, "errors the media driver logged"),
    CLIENT_TIMEOUTS("platform.aeron.client.timeouts", SystemCounterDescriptor.CLIENT_TIMEOUTS,
            "clients the driver dropped because they stopped sending keepalives (a stalled or killed process)");

    private final String metricName;
    private final SystemCounterDescriptor descriptor;
    private final String description;

    DriverCounter(String metricName, SystemCounterDescriptor descriptor, String description) {
        this.metricName = metricName;
        this.descriptor = descriptor;
        this.description = description;
    }

    /** The Micrometer name (Prometheus adds {@code _total}). */
    public String metricName() {
        return metricName;
    }

    public String description() {
        return description;
    }

    int counterId() {
        return descriptor.id();
    }
}
