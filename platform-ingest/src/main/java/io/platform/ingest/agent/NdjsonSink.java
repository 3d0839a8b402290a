package io.platform.ingest.agent;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

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

    /** Lines (events) in an NDJSON batch of complete lines. */
    static int lines(byte[] ndjson) {
        int lines = 0;
        for (byte b : ndjson) {
            lines += b == '\n' ? 1 : 0;
        }
        return lines;
    }

    /** HTTP statuses of the ingest API after which a batch is done: every line taken, or refused with its reason. */
    static boolean answered(int status) {
        return status == 200 || status == 207 || status == 400;
    }

    /** One try at delivering a batch. */
    @FunctionalInterface
    interface Attempt {
        /** @return null when the batch was answered for, else what went wrong (the batch is tried again) */
        String tryOnce() throws IOException, InterruptedException;
    }

    /**
     * Repeats {@code attempt} with a backoff of 100 ms doubling to 5 s, logging each problem, until it is answered
     * (true) or {@code running} turns false (false). An attempt throws when retrying cannot help.
     */
    static boolean retryUntilAnswered(BooleanSupplier running, Consumer<String> log, Attempt attempt)
            throws IOException, InterruptedException {
        long backoffMs = 100;
        while (running.getAsBoolean()) {
            String problem = attempt.tryOnce();
            if (problem == null) {
                return true;
            }
            log.accept(problem + "; retrying in " + backoffMs + " ms");
            Thread.sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, 5000);
        }
        return false;
    }
}
