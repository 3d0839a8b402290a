package io.platform.deploy.cli;

import static io.platform.deploy.cli.NodeHttp.HTTP;
import static io.platform.deploy.cli.NodeHttp.printResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code platform schema register|list}: thin clients of the gateway's {@code /v1/schemas} routes. */
@Command(name = "schema", mixinStandardHelpOptions = true, description = "Register and list stream schemas.",
        subcommands = {SchemaCommands.Register.class, SchemaCommands.ListSchemas.class})
public final class SchemaCommands extends CommandGroup {

    @Command(name = "register", mixinStandardHelpOptions = true, description = "Register a stream's schema: Avro (.avsc)"
            + " or Protobuf (.proto, proto3, one message of scalar fields).")
    static final class Register implements Callable<Integer> {
        @Parameters(index = "0", description = "stream name")
        String stream;

        @Parameters(index = "1", description = "schema file: .avsc (Avro) or .proto (Protobuf)")
        Path schemaFile;

        @Option(names = "--type", description = "AVRO or PROTOBUF (default: PROTOBUF for a .proto file, else AVRO)")
        String schemaType;

        @Option(names = "--time", description = "event-time field (default: inferred)")
        String timeField;

        @Option(names = "--key", description = "series-key fields, comma-separated (default: the string fields)")
        String keyFields;

        @Option(names = "--compatibility", description = "rule for this and later versions: BACKWARD, FORWARD, FULL, NONE or their"
                + " _TRANSITIVE forms (default: the stream's, BACKWARD for a new one)")
        String compatibility;

        @Option(names = "--partitions", description = "partitions of the stream's topics, when the stream is new (default:"
                + " stream.partitions)")
        Integer partitions;

        @Option(names = "--replication", description = "replication factor of the stream's topics, when the stream is new (default:"
                + " stream.replication)")
        Integer replication;

        @Option(names = "--durability", description = "sync (fsync before ack) or async (page cache), when the stream is new (default:"
                + " async)")
        String durability;

        @Option(names = "--pack", description = "true: the gateway writes a batch (frame or HTTP request) as one Kafka record per"
                + " partition;"
                + " false: one record per event, what Confluent-framed tools read; default: as the node's gateway.pack-batches says."
                + " Omitted: the stream keeps its choice (a new stream: default)")
        String pack;

        @Option(names = "--gateway", defaultValue = "http://127.0.0.1:8080", description = "gateway URL (default ${DEFAULT-VALUE})")
        String gateway;

        @Override
        public Integer call() throws Exception {
            StringBuilder query = new StringBuilder();
            String type = schemaType != null ? schemaType : schemaFile.toString().endsWith(".proto") ? "PROTOBUF" : null;
            String[][] parameters = {{"time", timeField}, {"key", keyFields}, {"schemaType", type}, {"compatibility", compatibility},
                    {"partitions", partitions == null ? null : partitions.toString()},
                    {"replication", replication == null ? null : replication.toString()}, {"durability", durability}, {"pack", pack}};
            for (String[] parameter : parameters) {
                if (parameter[1] != null) {
                    query.append(query.length() > 0 ? "&" : "").append(parameter[0]).append('=')
                            .append(URLEncoder.encode(parameter[1], StandardCharsets.UTF_8));
                }
            }
            String url = gateway + "/v1/schemas/" + stream + (query.length() > 0 ? "?" + query : "");
            return printResponse(HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .POST(HttpRequest.BodyPublishers.ofString(Files.readString(schemaFile))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List registered streams and their latest schema:"
            + " a table (stream, version, id, format, time field, series key, compatibility, batch packing), or --json.")
    static final class ListSchemas implements Callable<Integer> {
        @Option(names = "--gateway", defaultValue = "http://127.0.0.1:8080", description = "gateway URL (default ${DEFAULT-VALUE})")
        String gateway;

        @Option(names = "--json", description = "print the gateway's JSON (with each schema's text) instead of the table")
        boolean json;

        @Override
        public Integer call() throws Exception {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/schemas")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (json || response.statusCode() != 200) {
                return printResponse(response);
            }
            System.out.print(table(response.body()));
            return 0;
        }

        /** The streams of {@code GET /v1/schemas} as aligned columns, one stream per line. */
        static String table(String schemasJson) throws IOException {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"STREAM", "VERSION", "ID", "FORMAT", "TIME", "KEY", "COMPATIBILITY", "PACKING"});
            for (JsonNode schema : new ObjectMapper().readTree(schemasJson)) {
                List<String> keys = new ArrayList<>();
                schema.path("keyFields").forEach(key -> keys.add(key.asText()));
                rows.add(new String[] {schema.path("stream").asText(), schema.path("version").asText(), schema.path("id").asText(),
                        schema.path("schemaType").asText("AVRO"), schema.path("timeField").asText(), String.join(",", keys),
                        schema.path("compatibility").asText(), schema.path("batchPacking").asText("NODE_DEFAULT")});
            }
            int[] widths = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            StringBuilder out = new StringBuilder();
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    out.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
                }
                out.append('\n');
            }
            return out.toString();
        }
    }
}
