package io.platform.ingest.gateway;

/**
 * What became of one event: accepted (in {@code ingest.<stream>}), rejected (invalid; in {@code dlq.<stream>}) or
 * failed (could not be persisted; the client may retry). Immutable.
 */
public record IngestOutcome(Status status, String reason) {
    public enum Status { ACCEPTED, REJECTED, FAILED }

    static final IngestOutcome ACCEPTED = new IngestOutcome(Status.ACCEPTED, null);

    static IngestOutcome rejected(String reason) {
        return new IngestOutcome(Status.REJECTED, reason);
    }

    static IngestOutcome failed(String reason) {
        return new IngestOutcome(Status.FAILED, reason);
    }
}
