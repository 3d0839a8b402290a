package io.platform.ingest.gateway;

/**
 * Whether a transport's peer may ingest into a stream, asked once per frame before anything of it is produced: the
 * node's authorizer when security is on. Must be cheap and allocation-free on a repeated question (it runs on I/O
 * threads for every frame) and thread-safe.
 */
@FunctionalInterface
public interface IngestAccess {
    /** Every peer may ingest everywhere: a node without security. */
    IngestAccess OPEN = (principal, stream) -> null;

    /**
     * @param principal the peer's certificate name, or null when the connection proved none
     * @return null when allowed, else why not and what would allow it (sent back in the frame's ack)
     */
    String refusal(String principal, String stream);
}
