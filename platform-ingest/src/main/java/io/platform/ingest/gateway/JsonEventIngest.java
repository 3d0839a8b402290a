package io.platform.ingest.gateway;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.platform.observability.logging.LogRateLimit;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.trace.Span;
import io.platform.observability.tracing.Tracing;
import io.platform.wire.schema.StreamSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests a body of JSON events (one object, an array, or NDJSON lines) into one stream: takes room in the in-flight
 * budget, validates and produces every event through the pipeline, and answers with HTTP semantics: 200 all taken,
 * 207 some refused, 400 all refused (each with its reason, and dead-lettered), 429 busy, 413 too many, 503 Kafka
 * failed. Used by {@code POST /v1/streams/<stream>/events} and by the pull connectors. Thread-safe.
 */
public final class JsonEventIngest {
    /** What the caller should answer or act on; {@code retryAfterSeconds} > 0 means try again later. */
    public record Answer(int status, ObjectNode body, int retryAfterSeconds) {
        public int accepted() {
            return body.path("accepted").asInt();
        }
    }

    private static final int MAX_LISTED_ERRORS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(JsonEventIngest.class);
    /** Per stream (registered streams only reach it), so one noisy stream does not hide another's rejections. */
    private final ConcurrentHashMap<String, LogRateLimit> rejectionLogs = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();
    // events: trailing content after a value is an error, never silently dropped (found by fuzzing)
    private static final ObjectMapper EVENTS = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final IngestPipeline pipeline;
    private final InFlightBudget budget;

    public JsonEventIngest(IngestPipeline pipeline, InFlightBudget budget) {
        this.pipeline = pipeline;
        this.budget = budget;
    }

    public Answer ingest(String stream, StreamSchema schema, byte[] body, long sendTimeNs) {
        return ingest(stream, schema, body, sendTimeNs, null);
    }

    /**
     * As above, continuing the caller's trace when {@code traceparent} names one (e.g. the edge agent's batch span,
     * sent as the W3C {@code traceparent} HTTP header).
     */
    public Answer ingest(String stream, StreamSchema schema, byte[] body, long sendTimeNs, byte[] traceparent) {
        List<byte[]> events = splitEvents(body);
        if (events.size() > budget.maxEvents()) {
            return error(413, events.size() + " events in one request exceed the gateway's in-flight budget of "
                    + budget.maxEvents() + ": split the request", 0);
        }
        if (!budget.tryAcquire(events.size())) {
            return error(429, "gateway busy: " + budget.inFlight() + " events await Kafka's acknowledgement (budget "
                    + budget.maxEvents() + "); retry after 1 s, nothing of this request was taken", 1);
        }
        SpanBuilder builder = Tracing.global().tracer().spanBuilder("ingest.http").setAttribute(Tracing.STREAM, stream)
                .setAttribute(Tracing.EVENTS, (long) events.size());
        SpanContext parent = Tracing.parentOf(traceparent);
        if (parent != null) {
            builder.setParent(Tracing.contextOf(parent));
        }
        Span span = builder.startSpan();
        // current while the request is handled, so log lines about it carry its trace id
        try (Scope ignored = span.makeCurrent()) {
            return ingestEvents(stream, schema, events, sendTimeNs, Tracing.traceparent(span));
        } finally {
            span.end();
            budget.release(events.size());
        }
    }

    private Answer ingestEvents(String stream, StreamSchema schema, List<byte[]> events, long sendTimeNs, byte[] traceparent) {
        List<CompletableFuture<IngestOutcome>> outcomes = new ArrayList<>();
        // a request of several events is a batch: packed when the stream packs batches; one event alone is a record of its
        // own, as on the binary paths
        IngestPipeline.WireBatch batch = events.size() > 1 ? pipeline.new WireBatch(stream) : null;
        for (byte[] event : events) {
            JsonNode json;
            try {
                json = EVENTS.readTree(event);
            } catch (JsonProcessingException e) {
                outcomes.add(pipeline.rejectUnparseable(stream, event, "malformed JSON: " + e.getOriginalMessage()));
                continue;
            } catch (IOException e) {
                outcomes.add(pipeline.rejectUnparseable(stream, event, "unreadable JSON: " + e.getMessage()));
                continue;
            }
            outcomes.add(pipeline.ingestJson(batch, schema, json, event, sendTimeNs, traceparent));
        }
        if (batch != null) {
            batch.finish();
        }
        int accepted = 0;
        int rejected = 0;
        int failed = 0;
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode errors = JSON.createArrayNode();
        for (int i = 0; i < outcomes.size(); i++) {
            IngestOutcome outcome = outcomes.get(i).join();
            switch (outcome.status()) {
                case ACCEPTED -> accepted++;
                case REJECTED -> rejected++;
                case FAILED -> failed++;
            }
            if (outcome.status() != IngestOutcome.Status.ACCEPTED && errors.size() < MAX_LISTED_ERRORS) {
                errors.addObject().put("index", i).put("status", outcome.status().name().toLowerCase()).put("reason", outcome.reason());
            }
        }
        if ((rejected > 0 || failed > 0) && rejectionLogs.computeIfAbsent(stream, ignored -> new LogRateLimit(1_000)).tryAcquire()) {
            LOG.warn("request to stream={} had {} rejected (dead-lettered) and {} failed of {} events; first: {}", stream, rejected, failed,
                    outcomes.size(), errors.isEmpty() ? "" : errors.get(0).path("reason").asText());
        }
        answer.put("stream", stream).put("accepted", accepted).put("rejected", rejected).put("failed", failed);
        answer.set("errors", errors);
        if (failed > 0) {
            return new Answer(503, answer, 1);
        }
        return new Answer(rejected == 0 ? 200 : accepted == 0 ? 400 : 207, answer, 0);
    }

    private static Answer error(int status, String message, int retryAfterSeconds) {
        return new Answer(status, JSON.createObjectNode().put("error", message), retryAfterSeconds);
    }

    /** One event per non-blank line (NDJSON), or the elements of a top-level JSON array, or the single object. */
    public static List<byte[]> splitEvents(byte[] body) {
        List<byte[]> events = new ArrayList<>();
        int first = 0;
        while (first < body.length && Character.isWhitespace(body[first])) {
            first++;
        }
        if (first < body.length && body[first] == '[') {
            // a JSON array body only when the whole body is exactly one array: otherwise it is NDJSON whose first line
            // happens to start with '[', and every line must be answered for
            try {
                JsonNode array = EVENTS.readTree(body);
                if (array != null && array.isArray()) {
                    for (JsonNode element : array) {
                        events.add(JSON.writeValueAsBytes(element));
                    }
                    return events;
                }
            } catch (IOException e) {
                // not a single array: fall through and let each line be reported
            }
        }
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int end = i;
                if (end > start && body[end - 1] == '\r') {
                    end--;
                }
                boolean blank = true;
                for (int j = start; j < end && blank; j++) {
                    blank = Character.isWhitespace(body[j]);
                }
                if (!blank) {
                    events.add(Arrays.copyOfRange(body, start, end));
                }
                start = i + 1;
            }
        }
        return events;
    }

}
