package io.platform.ingest.pull;

import io.platform.ingest.agent.NdjsonSink;
import io.platform.ingest.gateway.JsonEventIngest;
import io.platform.wire.EpochClock;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Delivers NDJSON batches into the ingest path of the node it runs in, with the answers of the HTTP API: a busy
 * gateway (429) or a failing Kafka (503) or a stream without a schema yet means wait and retry the same batch; a 413
 * (more events than the in-flight budget) can never succeed. Not thread-safe: one connector thread.
 */
public final class LocalIngestSink implements NdjsonSink {
    private final JsonEventIngest ingest;
    private final SchemaCatalog catalog;
    private final String stream;
    private final Consumer<String> log;

    public LocalIngestSink(JsonEventIngest ingest, SchemaCatalog catalog, String stream, Consumer<String> log) {
        this.ingest = ingest;
        this.catalog = catalog;
        this.stream = stream;
        this.log = log;
    }

    @Override
    public boolean deliver(byte[] ndjson, BooleanSupplier running) throws IOException, InterruptedException {
        return NdjsonSink.retryUntilAnswered(running, log, () -> {
            StreamSchema schema = catalog.latest(stream);
            if (schema == null) {
                return "stream '" + stream + "' has no schema yet: register one with POST /v1/schemas/" + stream;
            }
            JsonEventIngest.Answer answer = ingest.ingest(stream, schema, ndjson, EpochClock.nowNs());
            if (NdjsonSink.answered(answer.status())) {
                return null;
            }
            if (answer.status() == 413) {
                throw new IOException("batch can never be taken: " + answer.body());
            }
            return "gateway answered " + answer.status() + ": " + answer.body().path("error").asText(answer.body().toString());
        });
    }
}
