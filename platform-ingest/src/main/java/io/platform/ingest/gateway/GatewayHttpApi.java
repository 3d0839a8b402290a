package io.platform.ingest.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.platform.ingest.dlq.DeadLetterTopic;
import io.platform.ingest.schema.IncompatibleSchemaException;
import io.platform.ingest.schema.SchemaRegistry;
import io.platform.ingest.schema.StreamTopics;
import io.platform.observability.http.ServiceHttpServer;
import io.platform.observability.tracing.Tracing;
import io.platform.wire.EpochClock;
import io.platform.wire.schema.StreamSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The gateway's REST API (see ARCHITECTURE.md): schema registration and lookup, and event ingest as one JSON object,
 * a JSON array or NDJSON lines. Answers carry accepted/rejected/failed counts and a reason per refused event.
 */
public final class GatewayHttpApi {
    /** Bodies larger than this are refused with 413 before parsing. */
    public static final int MAX_BODY_BYTES = 64 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistry registry;
    private final IngestPipeline pipeline;
    private final DeadLetterTopic deadLetters;
    private final JsonEventIngest events;

    public GatewayHttpApi(SchemaRegistry registry, IngestPipeline pipeline, DeadLetterTopic deadLetters, InFlightBudget budget) {
        this.registry = registry;
        this.pipeline = pipeline;
        this.deadLetters = deadLetters;
        this.events = new JsonEventIngest(pipeline, budget);
    }

    /** Installs {@code /v1/schemas}, {@code /v1/streams} and {@code /v1/dlq} on the server. */
    public void install(ServiceHttpServer server) {
        server.route("/v1/schemas", this::schemas);
        server.route("/v1/streams", this::streams);
        server.route("/v1/dlq", this::deadLetters);
    }

    /** {@code GET /v1/dlq/<stream>} counts by reason, {@code GET .../events?from=&limit=}, {@code POST .../replay}. */
    private void deadLetters(HttpExchange exchange) throws IOException {
        String[] path = pathParts(exchange, "/v1/dlq");
        if (path.length == 0 || path.length > 2) {
            error(exchange, 404, "no such route: use /v1/dlq/<stream>, /v1/dlq/<stream>/events or POST /v1/dlq/<stream>/replay");
            return;
        }
        String stream = path[0];
        if (pipeline.catalog().latest(stream) == null) {
            error(exchange, 404, IngestPipeline.unknownStream(stream));
            return;
        }
        String action = path.length == 2 ? path[1] : "";
        String method = exchange.getRequestMethod();
        if (action.isEmpty() && method.equals("GET")) {
            respondJson(exchange, 200, deadLetters.summary(stream));
        } else if (action.equals("events") && method.equals("GET")) {
            Map<String, String> query = ServiceHttpServer.queryParams(exchange);
            try {
                long from = Long.parseLong(query.getOrDefault("from", "0"));
                int limit = Integer.parseInt(query.getOrDefault("limit", "100"));
                respondJson(exchange, 200, deadLetters.events(stream, from, Math.min(Math.max(limit, 1), 10_000)));
            } catch (NumberFormatException e) {
                error(exchange, 400, "from and limit must be whole numbers, e.g. ?from=0&limit=20");
            }
        } else if (action.equals("replay") && method.equals("POST")) {
            try {
                respondJson(exchange, 200, deadLetters.replay(stream));
            } catch (IOException e) {
                error(exchange, 503, e.getMessage());
            }
        } else {
            error(exchange, 405, method + " /v1/dlq/" + stream + (action.isEmpty() ? "" : "/" + action) + " is not a route");
        }
    }

    private void schemas(HttpExchange exchange) throws IOException {
        String[] path = pathParts(exchange, "/v1/schemas");
        String method = exchange.getRequestMethod();
        if (path.length == 0 && method.equals("GET")) {
            ArrayNode streams = JSON.createArrayNode();
            for (String stream : registry.catalog().streams()) {
                streams.add(describe(registry.catalog().latest(stream)));
            }
            respondJson(exchange, 200, streams);
            return;
        }
        if (path.length != 1) {
            error(exchange, 404, "no such route: use /v1/schemas/<stream>");
            return;
        }
        String stream = path[0];
        if (method.equals("GET")) {
            List<StreamSchema> versions = registry.catalog().versions(stream);
            if (versions.isEmpty()) {
                error(exchange, 404, IngestPipeline.unknownStream(stream));
                return;
            }
            ObjectNode latest = describe(versions.get(versions.size() - 1));
            ArrayNode all = latest.putArray("versions");
            versions.forEach(v -> all.add(v.version()));
            respondJson(exchange, 200, latest);
        } else if (method.equals("POST")) {
            Map<String, String> query = ServiceHttpServer.queryParams(exchange);
            String body = new String(readBody(exchange), StandardCharsets.UTF_8);
            String[] envelopeType = {null};
            String schemaText = unwrapConfluentEnvelope(body, envelopeType);
            List<String> keys = query.containsKey("key") ? Arrays.asList(query.get("key").split(",")) : null;
            try {
                int partitions;
                short replication;
                try {
                    partitions = Integer.parseInt(query.getOrDefault("partitions", "0"));
                    replication = Short.parseShort(query.getOrDefault("replication", "0"));
                } catch (NumberFormatException e) {
                    error(exchange, 422, "partitions and replication must be whole numbers, e.g. ?partitions=6&replication=3");
                    return;
                }
                StreamTopics.Durability durability;
                try {
                    durability = StreamTopics.Durability.valueOf(query.getOrDefault("durability", "async").toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    error(exchange, 422, "durability must be sync (fsync before ack) or async (page cache, the default)");
                    return;
                }
                StreamSchema.Format format;
                try {
                    format = StreamSchema.Format.parse(query.getOrDefault("schemaType", envelopeType[0]));
                } catch (IllegalArgumentException e) {
                    error(exchange, 422, e.getMessage());
                    return;
                }
                StreamSchema.BatchPacking packing;
                try {
                    packing = StreamSchema.BatchPacking.parse(query.get("pack"));
                } catch (IllegalArgumentException e) {
                    error(exchange, 422, e.getMessage());
                    return;
                }
                StreamSchema registered = registry.register(stream, format, schemaText, query.get("time"), keys, query.get("compatibility"),
                        partitions, replication, durability, packing);
                respondJson(exchange, 200, describe(registered));
            } catch (IncompatibleSchemaException e) {
                error(exchange, e.getMessage().startsWith("schema incompatible") ? 409 : 422, e.getMessage());
            }
        } else {
            error(exchange, 405, "method " + method + " not allowed: use GET or POST");
        }
    }

    /** The schema text of a Confluent-style {@code {"schema": ..., "schemaType": ...}} body, else the body itself. */
    private static String unwrapConfluentEnvelope(String body, String[] schemaType) {
        try {
            JsonNode node = JSON.readTree(body);
            boolean typed = node != null && node.isObject() && node.size() == 2 && node.path("schemaType").isTextual();
            if (node != null && node.isObject() && (node.size() == 1 || typed) && node.has("schema") && node.get("schema").isTextual()) {
                schemaType[0] = typed ? node.get("schemaType").textValue() : null;
                return node.get("schema").textValue();
            }
        } catch (JsonProcessingException e) {
            // not JSON at all: the registry reports it as a malformed schema
        }
        return body;
    }

    private void streams(HttpExchange exchange) throws IOException {
        String[] path = pathParts(exchange, "/v1/streams");
        if (path.length != 2 || !path[1].equals("events")) {
            error(exchange, 404, "no such route: use POST /v1/streams/<stream>/events");
            return;
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            error(exchange, 405, "use POST to send events");
            return;
        }
        String stream = path[0];
        StreamSchema schema = pipeline.catalog().latest(stream);
        if (schema == null) {
            error(exchange, 404, IngestPipeline.unknownStream(stream));
            return;
        }
        long sendTimeNs = EpochClock.nowNs();
        byte[] body = readBody(exchange);
        if (body == null) {
            error(exchange, 413, "body larger than " + MAX_BODY_BYTES + " bytes: split it into several requests");
            return;
        }
        String traceparent = exchange.getRequestHeaders().getFirst(Tracing.TRACEPARENT);
        JsonEventIngest.Answer answer = events.ingest(stream, schema, body, sendTimeNs,
                traceparent == null ? null : traceparent.getBytes(StandardCharsets.US_ASCII));
        if (answer.retryAfterSeconds() > 0) {
            exchange.getResponseHeaders().set("Retry-After", Integer.toString(answer.retryAfterSeconds()));
        }
        respondJson(exchange, answer.status(), answer.body());
    }

    private static ObjectNode describe(StreamSchema schema) {
        ObjectNode node = JSON.createObjectNode();
        node.put("stream", schema.stream()).put("id", schema.id()).put("version", schema.version())
                .put("timeField", schema.timeField()).put("compatibility", schema.compatibility())
                .put("batchPacking", schema.batchPacking().name());
        ArrayNode keys = node.putArray("keyFields");
        schema.keyFields().forEach(keys::add);
        ArrayNode numeric = node.putArray("numericFields");
        schema.numericFields().forEach(numeric::add);
        node.put("schemaType", schema.format().name());
        node.put("schema", schema.source());
        if (schema.format() != StreamSchema.Format.AVRO) {
            node.put("avroSchema", schema.schema().toString());
        }
        return node;
    }

    private static String[] pathParts(HttpExchange exchange, String prefix) {
        String rest = exchange.getRequestURI().getPath().substring(prefix.length());
        return Arrays.stream(rest.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    /** The body (gunzipped when sent with Content-Encoding: gzip), or null when it exceeds {@link #MAX_BODY_BYTES}. */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        InputStream raw = exchange.getRequestBody();
        boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
        try (InputStream in = gzip ? new GZIPInputStream(raw) : raw) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            return bytes.length > MAX_BODY_BYTES ? null : bytes;
        }
    }

    private static void respondJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        ServiceHttpServer.respond(exchange, status, "application/json", body.toString());
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        ObjectNode node = JSON.createObjectNode().put("error", message);
        respondJson(exchange, status, node);
    }
}
