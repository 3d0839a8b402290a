package io.platform.ingest.agent;

import io.opentelemetry.api.common.AttributeKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import io.opentelemetry.api.trace.Span;
import io.platform.observability.tracing.Tracing;

/**
 * Posts NDJSON batches gzip-compressed to a gateway's {@code POST /v1/streams/<stream>/events} and retries the same
 * batch, with exponential backoff up to 5 s, while the gateway is unreachable, busy (429), failing (5xx) or does not
 * know the stream yet (404, until its schema is registered): the caller
 * keeps its buffer until {@link #deliver} returns. A batch the gateway answered (200, or 207/400 with a reason
 * per refused line, which went to the dead-letter topic) is done. Not thread-safe: one sender thread.
 */
public final class GatewayForwarder implements NdjsonSink {
    private static final AttributeKey<Long> BATCH_BYTES = AttributeKey.longKey("platform.batch.bytes");
    private final URI endpoint;
    private final Consumer<String> log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private long compressedBytes;
    private long rawBytes;

    public GatewayForwarder(URI gateway, String stream, Consumer<String> log) {
        this.endpoint = gateway.resolve("/v1/streams/" + stream + "/events");
        this.log = log;
    }

    /**
     * Sends {@code ndjson} until the gateway answers for it or {@code running} turns false.
     *
     * @return true when answered; false when stopped first
     * @throws IOException when the gateway refuses the batch for good (unknown stream, too large)
     */
    @Override
    public boolean deliver(byte[] ndjson, BooleanSupplier running) throws IOException, InterruptedException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(ndjson.length / 4 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(ndjson);
        }
        rawBytes += ndjson.length;
        compressedBytes += compressed.size();
        // one span per batch, from the first attempt until the gateway answered; its context travels as traceparent,
        // so the gateway's and storage's spans of this batch join the same trace
        Span span = Tracing.global().tracer().spanBuilder("agent.batch").setAttribute(Tracing.EVENTS, (long) NdjsonSink.lines(ndjson))
                .setAttribute(BATCH_BYTES, (long) compressed.size()).startSpan();
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-ndjson").header("Content-Encoding", "gzip");
        byte[] traceparent = Tracing.traceparent(span);
        if (traceparent != null) {
            builder.header(Tracing.TRACEPARENT, new String(traceparent, StandardCharsets.US_ASCII));
        }
        HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofByteArray(compressed.toByteArray())).build();
        try {
            return send(request, running);
        } finally {
            span.end();
        }
    }

    private boolean send(HttpRequest request, BooleanSupplier running) throws IOException, InterruptedException {
        return NdjsonSink.retryUntilAnswered(running, log, () -> {
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return "gateway unreachable (" + e.getClass().getSimpleName() + "), lines stay buffered on disk";
            }
            int status = response.statusCode();
            if (NdjsonSink.answered(status)) {
                return null;
            }
            if (status == 413 || status == 422) {
                throw new RefusedException("gateway refused the batch for good (" + status + "): " + response.body());
            }
            // 404: the stream is not registered (yet); at the edge that is an operator's step away, so wait for it
            return "gateway answered " + status + (status == 404 ? " (stream not registered: register its schema)" : "");
        });
    }

    /** Compressed bytes sent per raw byte so far (gzip's ratio on this data). */
    public double compressionRatio() {
        return rawBytes == 0 ? 1 : compressedBytes / (double) rawBytes;
    }

    /** The gateway will never take this batch; retrying cannot help. */
    public static final class RefusedException extends IOException {
        RefusedException(String message) {
            super(message);
        }
    }
}
