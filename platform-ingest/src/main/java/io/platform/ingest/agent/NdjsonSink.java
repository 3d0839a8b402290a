package io.platform.ingest.agent;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * Where forwarded NDJSON batches go: a remote gateway ({@link GatewayForwarder}) or, for connectors running inside a
 * gateway node, its own ingest path. {@link #deliver} retries until the batch is answered for, so the caller may move
 * its position past the batch when it returns true.
 */
@FunctionalInterface
public interface NdjsonSink {
    /**
     * @return true when every line was answered for (taken, or refused with a reason into the dead-letter topic);
     *         false when {@code running} turned false first
     * @throws IOException when the batch can never be taken
     */
    boolean deliver(byte[] ndjson, BooleanSupplier running) throws IOException, InterruptedException;
}
