package io.platform.ingest.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.platform.ingest.schema.Compatibility;
import io.platform.ingest.schema.IncompatibleSchemaException;
import io.platform.ingest.schema.SchemaRegistry;
import io.platform.ingest.schema.StreamTopics;
import io.platform.observability.http.ServiceHttpServer;
import io.platform.wire.TopicNames;
import io.platform.wire.schema.ProtoSchema;
import io.platform.wire.schema.StreamSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The Confluent Schema Registry REST API over the platform's registry, so Kafka tooling configured with
 * {@code schema.registry.url=http://<gateway>} reads and registers our schemas: {@code /subjects},
 * {@code /subjects/{subject}/versions[/{version|latest}]}, {@code /schemas/ids/{id}}, {@code /config/{subject}} and
 * {@code /compatibility/subjects/{subject}/versions/{version}}. Subjects follow the topic-name strategy
 * ({@code ingest.<stream>-value}); a bare stream name is accepted too. Errors use Confluent's
 * {@code {"error_code", "message"}} shape.
 */
public final class ConfluentRegistryApi {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistry registry;

    public ConfluentRegistryApi(SchemaRegistry registry) {
        this.registry = registry;
    }

    public void install(ServiceHttpServer server) {
        server.route("/subjects", this::subjects);
        server.route("/schemas/ids", this::schemaById);
        server.route("/config", this::config);
        server.route("/compatibility/subjects", this::compatibility);
    }

    /** The subject of a stream under the topic-name strategy. */
    public static String subjectOf(String stream) {
        return TopicNames.ingest(stream) + "-value";
    }

    public static String streamOf(String subject) {
        String withoutSuffix = subject.endsWith("-value") ? subject.substring(0, subject.length() - "-value".length()) : subject;
        return withoutSuffix.startsWith(TopicNames.INGEST_PREFIX)
                ? withoutSuffix.substring(TopicNames.INGEST_PREFIX.length()) : withoutSuffix;
    }

    private void subjects(HttpExchange exchange) throws IOException {
        String[] path = parts(exchange, "/subjects");
        String method = exchange.getRequestMethod();
        if (path.length == 0) {
            ArrayNode subjects = JSON.createArrayNode();
            registry.catalog().streams().forEach(s -> subjects.add(subjectOf(s)));
            respond(exchange, 200, subjects);
            return;
        }
        String subject = path[0];
        String stream = streamOf(subject);
        List<StreamSchema> versions = registry.catalog().versions(stream);
        if (path.length == 2 && path[1].equals("versions") && method.equals("POST")) {
            try {
                JsonNode body = JSON.readTree(body(exchange));
                if (body == null || !body.has("schema")) {
                    error(exchange, 422, 42201, "body must be {\"schema\": \"<Avro schema JSON as a string>\"}"
                            + " or {\"schemaType\": \"PROTOBUF\", \"schema\": \"<.proto file as a string>\"}");
                    return;
                }
                StreamSchema.Format format;
                try {
                    format = StreamSchema.Format.parse(body.path("schemaType").asText(null));
                } catch (IllegalArgumentException e) {
                    error(exchange, 422, 42201, e.getMessage());
                    return;
                }
                StreamSchema registered = registry.register(stream, format, body.get("schema").asText(), null, null, null, 0, (short) 0,
                        StreamTopics.Durability.ASYNC);
                respond(exchange, 200, JSON.createObjectNode().put("id", registered.id()));
            } catch (IncompatibleSchemaException e) {
                boolean incompatible = e.getMessage().startsWith("schema incompatible");
                error(exchange, incompatible ? 409 : 422, incompatible ? 409 : 42201, e.getMessage());
            }
            return;
        }
        if (versions.isEmpty()) {
            error(exchange, 404, 40401, "Subject '" + subject + "' not found.");
            return;
        }
        if (path.length == 2 && path[1].equals("versions")) {
            ArrayNode numbers = JSON.createArrayNode();
            versions.forEach(v -> numbers.add(v.version()));
            respond(exchange, 200, numbers);
        } else if (path.length == 3 && path[1].equals("versions")) {
            StreamSchema version = find(versions, path[2]);
            if (version == null) {
                error(exchange, 404, 40402, "Version " + path[2] + " not found.");
                return;
            }
            respond(exchange, 200, typed(JSON.createObjectNode().put("subject", subject).put("version", version.version())
                    .put("id", version.id()), version));
        } else {
            error(exchange, 404, 404, "no such route");
        }
    }

    private void schemaById(HttpExchange exchange) throws IOException {
        String[] path = parts(exchange, "/schemas/ids");
        StreamSchema schema = null;
        try {
            schema = path.length == 1 ? registry.catalog().byId(Integer.parseInt(path[0])) : null;
        } catch (NumberFormatException e) {
            // not an id: not found below
        }
        if (schema == null) {
            error(exchange, 404, 40403, "Schema " + (path.length == 1 ? path[0] : "") + " not found");
            return;
        }
        respond(exchange, 200, typed(JSON.createObjectNode(), schema));
    }

    /** Adds the schema text and, as Confluent's registry does, {@code schemaType} when it is not Avro. */
    private static ObjectNode typed(ObjectNode node, StreamSchema schema) {
        if (schema.format() != StreamSchema.Format.AVRO) {
            node.put("schemaType", schema.format().name());
        }
        return node.put("schema", schema.source());
    }

    private void config(HttpExchange exchange) throws IOException {
        String[] path = parts(exchange, "/config");
        if (path.length == 0) {
            respond(exchange, 200, JSON.createObjectNode().put("compatibilityLevel", StreamSchema.DEFAULT_COMPATIBILITY));
            return;
        }
        StreamSchema latest = registry.catalog().latest(streamOf(path[0]));
        if (latest == null) {
            error(exchange, 404, 40401, "Subject '" + path[0] + "' not found.");
            return;
        }
        respond(exchange, 200, JSON.createObjectNode().put("compatibilityLevel", latest.compatibility()));
    }

    private void compatibility(HttpExchange exchange) throws IOException {
        String[] path = parts(exchange, "/compatibility/subjects");
        if (path.length != 3 || !path[1].equals("versions") || !exchange.getRequestMethod().equals("POST")) {
            error(exchange, 404, 404, "use POST /compatibility/subjects/{subject}/versions/{version|latest}");
            return;
        }
        List<StreamSchema> versions = registry.catalog().versions(streamOf(path[0]));
        StreamSchema against = find(versions, path[2]);
        if (against == null) {
            error(exchange, 404, 40401, "Subject '" + path[0] + "' or version " + path[2] + " not found.");
            return;
        }
        try {
            JsonNode body = JSON.readTree(body(exchange));
            boolean protobuf = StreamSchema.Format.parse(body.path("schemaType").asText(null)) == StreamSchema.Format.PROTOBUF;
            ProtoSchema proto = protobuf ? ProtoSchema.parse(body.get("schema").asText()) : null;
            Schema candidate = protobuf ? proto.avroSchema() : new Schema.Parser().parse(body.get("schema").asText());
            Compatibility rule = Compatibility.parse(against.compatibility());
            List<StreamSchema> checked = versions.subList(0, versions.indexOf(against) + 1);
            String violation = against.format() != (protobuf ? StreamSchema.Format.PROTOBUF : StreamSchema.Format.AVRO)
                    ? "the subject is " + against.format() + "; a new version must be too" : rule.violation(candidate, checked);
            for (int i = 0; violation == null && protobuf && rule != Compatibility.NONE && i < checked.size(); i++) {
                violation = ProtoSchema.wireConflict(checked.get(i).protobuf().proto(), proto);
            }
            ObjectNode answer = JSON.createObjectNode().put("is_compatible", violation == null);
            if (violation != null) {
                answer.putArray("messages").add(violation);
            }
            respond(exchange, 200, answer);
        } catch (IncompatibleSchemaException | RuntimeException e) {
            error(exchange, 422, 42201, "invalid schema: " + e.getMessage());
        }
    }

    private static StreamSchema find(List<StreamSchema> versions, String version) {
        if (versions.isEmpty()) {
            return null;
        }
        if (version.equals("latest") || version.equals("-1")) {
            return versions.get(versions.size() - 1);
        }
        try {
            int wanted = Integer.parseInt(version);
            return versions.stream().filter(v -> v.version() == wanted).findFirst().orElse(null);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String[] parts(HttpExchange exchange, String prefix) {
        String rest = exchange.getRequestURI().getPath().substring(prefix.length());
        return Arrays.stream(rest.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    private static String body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
        }
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        ServiceHttpServer.respond(exchange, status, CONTENT_TYPE, body.toString());
    }

    private static void error(HttpExchange exchange, int status, int code, String message) throws IOException {
        respond(exchange, status, JSON.createObjectNode().put("error_code", code).put("message", message));
    }
}
