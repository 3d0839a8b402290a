package io.platform.deploy;

import io.platform.deploy.bench.EndToEndBench;
import io.platform.deploy.bench.SensorEvents;
import io.platform.deploy.node.ConfigException;
import io.platform.deploy.node.NodeConfig;
import io.platform.deploy.node.PlatformNode;
import io.platform.observability.logging.LogClass;
import io.platform.observability.logging.LogSearch;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code platform} launcher. Every subcommand answers {@code --help}. */
@Command(name = "platform", mixinStandardHelpOptions = true, version = "platform 0.1.0",
        description = "Low-latency streaming data platform: ingest, process, store and query events.",
        subcommands = {PlatformCli.Up.class, PlatformCli.Demo.class, PlatformCli.Send.class, PlatformCli.Query.class,
                PlatformCli.Schema.class, PlatformCli.Dlq.class, PlatformCli.Job.class, PlatformCli.Agent.class, PlatformCli.Router.class, PlatformCli.Segments.class, PlatformCli.Profile.class,
                PlatformCli.Diagnose.class, PlatformCli.Logs.class, PlatformCli.Flows.class, PlatformCli.Tls.class, PlatformCli.Bench.class, PlatformCli.Doctor.class, PlatformCli.Config.class, CommandLine.HelpCommand.class})
public final class PlatformCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0 || !(args.length > 0 && (args[0].equals("up") || args[0].equals("demo")))) {
            System.exit(code);
        }
    }

    /** The CLI with its error handling: a config error names the key (exit 2), an unreachable service says what to start. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new PlatformCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println("config error: " + e.getMessage());
                return 2;
            }
            if (causedBy(e, java.net.ConnectException.class)) {
                // the HTTP client's ConnectException has no message: say what could not be reached and what to do
                String endpoint = endpointOption(parseResult);
                commandLine.getErr().println("error: cannot connect" + (endpoint == null ? "" : " to " + endpoint)
                        + ": is a node running there? Start one with 'bin/platform up'" + (endpoint == null ? "" : ", or point "
                        + endpoint.substring(0, endpoint.indexOf(' ')) + " at yours"));
                return 1;
            }
            commandLine.getErr().println("error: " + e.getMessage());
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** The service address the command that ran was given, e.g. "--gateway http://127.0.0.1:8080"; null when it has none. */
    private static String endpointOption(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult command = parseResult;
        while (command.hasSubcommand()) {
            command = command.subcommand();
        }
        for (String name : new String[] {"--gateway", "--url"}) {
            CommandLine.Model.OptionSpec option = command.commandSpec().findOption(name);
            if (option != null && option.getValue() != null) {
                return name + " " + option.getValue();
            }
        }
        return null;
    }

    /** A command that only groups subcommands: run alone, it prints its usage. */
    abstract static class CommandGroup implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    /** Options shared by commands that start a node. */
    static final class NodeOptions {
        @Option(names = "--data-dir", description = "data directory (default: ./data, or a temporary one for demo/bench)")
        Path dataDir;

        @Option(names = "--config", description = "properties file with node settings (see 'platform config')")
        Path config;

        @Option(names = "--set", description = "override one setting, key=value (repeatable)")
        Map<String, String> overrides = new java.util.LinkedHashMap<>();

        NodeConfig build(boolean temporary) throws IOException {
            return builder(temporary).build();
        }

        /** The settings so far; with {@code temporary} and no --data-dir, a fresh temporary data dir and free ports each call. */
        NodeConfig.Builder builder(boolean temporary) throws IOException {
            NodeConfig.Builder builder = NodeConfig.builder();
            if (config != null) {
                builder.file(config);
            }
            overrides.forEach(builder::set);
            if (dataDir != null) {
                builder.dataDir(dataDir);
            } else if (temporary) {
                Path temporaryDir = Files.createTempDirectory("platform-");
                // a bench or demo node writes a GiB or more of Kafka logs and RocksDB files: gone when the command ends
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        new io.platform.deploy.bench.ScratchDir(temporaryDir).close();
                    } catch (IOException e) {
                        System.err.println("could not remove temporary data dir " + temporaryDir + ": " + e.getMessage());
                    }
                }, "remove-temporary-data-dir"));
                builder.dataDir(temporaryDir);
                builder.ephemeralPorts();
                overrides.forEach(builder::set);
            }
            return builder;
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = "Run the all-in-one node (embedded Kafka, gateway, Flink, storage, query) until Ctrl-C.")
    static final class Up implements Callable<Integer> {
        @CommandLine.Mixin
        NodeOptions options;

        @Override
        public Integer call() throws Exception {
            NodeConfig config = options.build(false);
            System.out.println("starting platform node, data dir " + config.dataDir() + " ...");
            long start = System.nanoTime();
            PlatformNode node = PlatformNode.start(config);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("stopping platform node ...");
                node.close();
                stopped.countDown();
            }, "platform-shutdown"));
            System.out.printf("platform node ready in %.1f s%n%s%n", (System.nanoTime() - start) / 1e9, node.addresses());
            node.restoredCheckpoints().forEach((stream, checkpoint) ->
                    System.out.println("aggregation of " + stream + " restored from checkpoint " + checkpoint));
            System.out.println("press Ctrl-C to stop");
            stopped.await();
            return 0;
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true, description = "Start a node, register a sample stream, drive load while printing live latency, then run a sample query.")
    static final class Demo implements Callable<Integer> {
        @CommandLine.Mixin
        NodeOptions options;

        @Option(names = "--rate", defaultValue = "2000", description = "events per second (default ${DEFAULT-VALUE})")
        int rate;

        @Option(names = "--duration", defaultValue = "15", description = "seconds of load (default ${DEFAULT-VALUE})")
        int durationSeconds;

        @Override
        public Integer call() throws Exception {
            NodeConfig config = options.build(true);
            System.out.println("starting platform node in " + config.dataDir() + " ...");
            try (PlatformNode node = PlatformNode.start(config)) {
                System.out.println(node.addresses());
                EndToEndBench bench = new EndToEndBench(node, System.out);
                System.out.println("registered sample stream '" + SensorEvents.STREAM + "': " + bench.registerSampleStream());
                System.out.printf("sending %d events/s for 2 s of warm-up and %d s measured, over the binary TCP protocol ...%n", rate, durationSeconds);
                EndToEndBench.Result result = bench.gateway(rate, 2, durationSeconds, EndToEndBench.ProgressOutput.STAGE_TABLE);
                bench.awaitStored(result.acked(), 30_000);
                bench.report(result);
                bench.reportStages();
                String sql = "SELECT device, count(*) AS events, avg(temperature) AS avg_temp, max(humidity) AS max_humidity FROM "
                        + SensorEvents.STREAM + " GROUP BY device ORDER BY events DESC LIMIT 5";
                System.out.println("\nsample query: " + sql);
                node.queryEngine().prepare(sql).run(new PrintingSink());
                String aggSql = "SELECT device, site, window_start, count, temperature_avg FROM " + SensorEvents.STREAM + "_"
                        + io.platform.processing.aggregation.AggregationSettings.viewName(config.duration("aggregation.window"))
                        + " ORDER BY window_start DESC LIMIT 5";
                System.out.println("\nwindow aggregates (Flink): " + aggSql);
                node.queryEngine().prepare(aggSql).run(new PrintingSink());
            }
            return 0;
        }
    }

    /** Prints rows as an aligned text table. */
    static final class PrintingSink implements io.platform.query.exec.RowSink {
        @Override
        public void columns(List<String> names) {
            System.out.println(String.join("\t", names));
        }

        @Override
        public boolean row(Object[] values) {
            List<String> cells = new ArrayList<>();
            for (Object v : values) {
                cells.add(v instanceof Double d ? String.format("%.3f", d) : String.valueOf(v));
            }
            System.out.println(String.join("\t", cells));
            return true;
        }
    }

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static int printResponse(HttpResponse<String> response) {
        System.out.println(response.body().stripTrailing());
        return response.statusCode() / 100 == 2 ? 0 : 1;
    }

    @Command(name = "send", mixinStandardHelpOptions = true, description = "Send JSON events (one object or NDJSON lines) from a file or stdin to a stream; exits 1 unless every event was accepted.")
    static final class Send implements Callable<Integer> {
        @Parameters(index = "0", description = "stream name")
        String stream;

        @Option(names = "--file", description = "NDJSON file (default: stdin)")
        Path file;

        @Option(names = "--gateway", defaultValue = "http://127.0.0.1:8080", description = "gateway URL (default ${DEFAULT-VALUE})")
        String gateway;

        @Override
        public Integer call() throws Exception {
            byte[] body = file != null ? Files.readAllBytes(file) : System.in.readAllBytes();
            // exit 0 only when every event was accepted, so scripts notice rejected lines (207) too
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/streams/" + stream + "/events"))
                    .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println(response.body().stripTrailing());
            return response.statusCode() == 200 ? 0 : 1;
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true, description = "Run SQL on the query service; rows print as NDJSON.")
    static final class Query implements Callable<Integer> {
        @Parameters(index = "0", description = "SQL, e.g. \"SELECT count(*) FROM sensors\"")
        String sql;

        @Option(names = "--url", defaultValue = "http://127.0.0.1:8081", description = "query service URL (default ${DEFAULT-VALUE})")
        String url;

        @Option(names = "--cert", description = "client certificate (PKCS12 from platform tls issue-client) for a node with query.tls.enabled;"
                + " its name is the user whose query limits apply")
        Path certificate;

        @Option(names = "--data-dir", defaultValue = "data", description = "the node's data dir, for its CA and TLS password with --cert (default ${DEFAULT-VALUE})")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            java.net.http.HttpClient client = HTTP;
            String target = url;
            if (certificate != null) {
                io.platform.deploy.node.NodeTls tls = io.platform.deploy.node.NodeTls.open(dataDir);
                client = java.net.http.HttpClient.newBuilder()
                        .sslContext(((io.netty.handler.ssl.JdkSslContext) tls.clientContext(certificate)).context()).build();
                target = target.replaceFirst("^http://", "https://");
            }
            return printResponse(client.send(HttpRequest.newBuilder(URI.create(target + "/v1/query"))
                    .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Command(name = "schema", mixinStandardHelpOptions = true, description = "Register and list stream schemas.",
            subcommands = {Schema.Register.class, Schema.ListSchemas.class})
    static final class Schema extends CommandGroup {

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

            @Option(names = "--compatibility", description = "rule for this and later versions: BACKWARD, FORWARD, FULL, NONE or their _TRANSITIVE forms (default: the stream's, BACKWARD for a new one)")
            String compatibility;

            @Option(names = "--partitions", description = "partitions of the stream's topics, when the stream is new (default: stream.partitions)")
            Integer partitions;

            @Option(names = "--replication", description = "replication factor of the stream's topics, when the stream is new (default: stream.replication)")
            Integer replication;

            @Option(names = "--durability", description = "sync (fsync before ack) or async (page cache), when the stream is new (default: async)")
            String durability;

            @Option(names = "--pack", description = "true: the gateway writes a batch (frame or HTTP request) as one Kafka record per partition;"
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
                        .POST(HttpRequest.BodyPublishers.ofString(Files.readString(schemaFile))).build(), HttpResponse.BodyHandlers.ofString()));
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
                for (com.fasterxml.jackson.databind.JsonNode schema : new com.fasterxml.jackson.databind.ObjectMapper().readTree(schemasJson)) {
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

    @Command(name = "segments", mixinStandardHelpOptions = true, description = "Sealed partitions of every stream (or one): time range, rows,"
            + " the tier holding them (warm, cold, cold_cached) and the segment file; one JSON object per line.")
    static final class Segments implements Callable<Integer> {
        @Option(names = "--stream", description = "only this stream")
        String stream;

        @Option(names = "--url", defaultValue = "http://127.0.0.1:8081", description = "query service URL (default ${DEFAULT-VALUE})")
        String url;

        @Override
        public Integer call() throws Exception {
            String query = stream == null ? "" : "?stream=" + java.net.URLEncoder.encode(stream, java.nio.charset.StandardCharsets.UTF_8);
            return printResponse(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/segments" + query)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Command(name = "router", mixinStandardHelpOptions = true, description = "Query router: POST /v1/query in front of query nodes; lookups"
            + " (one series, or a time range of at most --lookup-range) go to --lookup-nodes, everything else to --scan-nodes, the other pool"
            + " when one is down. Plans with the schemas from Kafka's _schemas topic; holds no data.")
    static final class Router implements Callable<Integer> {
        @Option(names = "--lookup-nodes", split = ",", description = "query node URLs for lookups, e.g. http://10.0.0.5:8081,http://10.0.0.6:8081")
        List<URI> lookupNodes = new java.util.ArrayList<>();

        @Option(names = "--scan-nodes", split = ",", description = "query node URLs for scans")
        List<URI> scanNodes = new java.util.ArrayList<>();

        @Option(names = "--kafka", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers holding the _schemas topic (default ${DEFAULT-VALUE})")
        String kafka;

        @Option(names = "--lookup-range", defaultValue = "1h", description = "longest time range a lookup may read (default ${DEFAULT-VALUE})")
        String lookupRange;

        @Option(names = "--view", defaultValue = "10s", description = "the nodes' aggregation.window, naming the <stream>_<view> tables (default ${DEFAULT-VALUE})")
        String view;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE})")
        String host;

        @Option(names = "--port", defaultValue = "8090", description = "port to listen on (default ${DEFAULT-VALUE}; 0 = any free port)")
        int port;

        @Override
        public Integer call() throws Exception {
            if (lookupNodes.isEmpty() && scanNodes.isEmpty()) {
                throw new CommandLine.ParameterException(new CommandLine(this), "give --lookup-nodes, --scan-nodes or both, e.g. --lookup-nodes http://127.0.0.1:8081");
            }
            long rangeMs = io.platform.deploy.node.NodeConfig.parseDuration("--lookup-range", lookupRange, "1h").toMillis();
            io.platform.wire.schema.SchemaCatalog catalog = io.platform.wire.schema.SchemaCatalog.open(kafka, java.time.Duration.ofSeconds(30));
            io.platform.query.exec.QueryEngine planner = new io.platform.query.exec.QueryEngine(null, catalog, view,
                    io.platform.query.exec.QueryLimits.defaults());
            io.platform.observability.http.ServiceHttpServer server = new io.platform.observability.http.ServiceHttpServer("router", host, port, 16, () -> true);
            new io.platform.query.routing.QueryRouter(planner, rangeMs, lookupNodes, scanNodes).install(server);
            server.start();
            System.out.printf("router ready on http://%s:%d: lookups (one series or <= %s) -> %s, scans -> %s; schemas from %s%n",
                    host, server.port(), lookupRange, lookupNodes, scanNodes, kafka);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                catalog.close();
            }));
            Thread.currentThread().join();
            return 0;
        }
    }

    @Command(name = "agent", mixinStandardHelpOptions = true, description = "Edge agent: tail a file of JSON lines (--file) or take JSON lines on a local TCP port (--listen, spooled to disk first) and forward them in gzip batches to a gateway, in order; survives restarts and an unreachable gateway without losing or repeating lines.")
    static final class Agent implements Callable<Integer> {
        @Option(names = "--file", description = "NDJSON file to tail (its offset is kept beside it)")
        Path file;

        @Option(names = "--listen", description = "host:port to take NDJSON lines on, e.g. 127.0.0.1:5170")
        String listen;

        @Option(names = "--spool-dir", defaultValue = "./agent-spool", description = "with --listen: disk buffer of lines not yet forwarded (default ${DEFAULT-VALUE})")
        Path spoolDir;

        @Option(names = "--fsync-ms", defaultValue = "100", description = "with --listen: how often spooled lines are forced to disk (default ${DEFAULT-VALUE})")
        long fsyncMs;

        @Option(names = "--stream", required = true, description = "stream the lines belong to")
        String stream;

        @Option(names = "--gateway", defaultValue = "http://127.0.0.1:8080", description = "gateway URL (default ${DEFAULT-VALUE})")
        String gateway;

        @Option(names = "--batch", defaultValue = "1000", description = "lines per batch at most (default ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--linger-ms", defaultValue = "50", description = "with --file: longest wait to fill a batch (default ${DEFAULT-VALUE})")
        long lingerMs;

        @Option(names = "--otlp-endpoint", description = "OTLP/HTTP traces endpoint, e.g. http://collector:4318/v1/traces: each batch gets a span whose trace continues at the gateway and storage")
        String otlpEndpoint;

        @Option(names = "--trace-ratio", defaultValue = "0.01", description = "share of batches traced (default ${DEFAULT-VALUE})")
        double traceRatio;

        @Override
        public Integer call() throws Exception {
            if (otlpEndpoint != null) {
                io.platform.observability.tracing.Tracing.startOtlp(otlpEndpoint, traceRatio, "platform-agent");
            }
            if ((file == null) == (listen == null)) {
                System.err.println("agent: give exactly one of --file <path> or --listen <host:port>");
                return 2;
            }
            java.util.function.Consumer<String> log = message -> System.err.println("agent: " + message);
            java.util.function.LongSupplier forwarded;
            java.util.function.Supplier<String> position;
            ThrowingRunnable run;
            AutoCloseable agent;
            String source;
            if (file != null) {
                io.platform.ingest.agent.FileTailAgent tail = new io.platform.ingest.agent.FileTailAgent(file, stream, URI.create(gateway), batch, lingerMs, log);
                forwarded = tail::sentLines;
                position = () -> "offset " + tail.offset();
                run = tail::run;
                agent = tail;
                source = "tailing " + file + " from byte " + tail.offset();
            } else {
                int colon = listen.lastIndexOf(':');
                if (colon < 0) {
                    System.err.println("agent: --listen takes host:port, e.g. 127.0.0.1:5170; got '" + listen + "'");
                    return 2;
                }
                io.platform.ingest.agent.ListeningAgent listening = new io.platform.ingest.agent.ListeningAgent(listen.substring(0, colon),
                        Integer.parseInt(listen.substring(colon + 1)), spoolDir, stream, URI.create(gateway), batch, fsyncMs, log);
                forwarded = listening::forwardedLines;
                position = () -> {
                    try {
                        return "received " + listening.receivedLines() + ", spool backlog " + listening.backlogBytes() + " bytes";
                    } catch (IOException e) {
                        return "spool unreadable: " + e.getMessage();
                    }
                };
                run = listening::run;
                agent = listening;
                source = "listening on " + listen.substring(0, colon) + ":" + listening.port() + ", spool " + spoolDir;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    agent.close();
                } catch (Exception e) {
                    log.accept("close failed: " + e);
                }
            }));
            System.out.printf("agent ready in %d ms (JVM start to forwarding), RSS %s; %s -> %s stream %s%n",
                    java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(), rss(), source, gateway, stream);
            Thread reporter = new Thread(() -> {
                long last = 0;
                while (true) {
                    try {
                        Thread.sleep(5000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    long sent = forwarded.getAsLong();
                    System.out.printf("agent: %d lines forwarded (%.0f/s), %s, RSS %s%n", sent, (sent - last) / 5.0, position.get(), rss());
                    last = sent;
                }
            }, "agent-report");
            reporter.setDaemon(true);
            reporter.start();
            run.run();
            return 0;
        }

        @FunctionalInterface
        interface ThrowingRunnable {
            void run() throws Exception;
        }

        private static String rss() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return line.substring(6).trim();
                    }
                }
            } catch (IOException e) {
                // not Linux
            }
            return "n/a";
        }
    }

    @Command(name = "tls", mixinStandardHelpOptions = true, description = "Certificates of a node with gateway.tls.enabled.",
            subcommands = {Tls.IssueClient.class})
    static final class Tls extends CommandGroup {

        @Command(name = "issue-client", mixinStandardHelpOptions = true, description = "Issue a client certificate (PKCS12, protected by <data-dir>/tls/password) signed by the node's authority.")
        static final class IssueClient implements Callable<Integer> {
            @Parameters(index = "0", description = "client name (the certificate's CN)")
            String name;

            @Option(names = "--data-dir", defaultValue = "./data", description = "the node's data directory (default ${DEFAULT-VALUE})")
            Path dataDir;

            @Option(names = "--days", defaultValue = "7", description = "validity in days (default ${DEFAULT-VALUE})")
            int days;

            @Option(names = "--out", description = "PKCS12 file to write (default <name>.p12)")
            Path out;

            @Override
            public Integer call() throws Exception {
                io.platform.deploy.node.NodeTls tls = io.platform.deploy.node.NodeTls.open(dataDir.toAbsolutePath());
                Path target = out != null ? out : Path.of(name + ".p12");
                tls.issueClient(name, Duration.ofDays(days), target);
                System.out.println("wrote " + target.toAbsolutePath() + " (CN=" + name + ", " + days + " days); its password is in "
                        + tls.directory().resolve("password"));
                return 0;
            }
        }
    }

    @Command(name = "diagnose", mixinStandardHelpOptions = true, description = "Find the seconds where end-to-end latency spiked in the node's recent history (5 minutes kept) and name the likely cause: GC, storage lag, retransmits, or the slow stage.")
    static final class Diagnose implements Callable<Integer> {
        @Option(names = "--last", defaultValue = "300", description = "look at the last N seconds (default ${DEFAULT-VALUE})")
        long last;

        @Option(names = "--from", description = "start, epoch ms (instead of --last)")
        Long from;

        @Option(names = "--to", description = "end, epoch ms")
        Long to;

        @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "node URL (default ${DEFAULT-VALUE})")
        String url;

        @Override
        public Integer call() throws Exception {
            String query = from != null ? "from=" + from + (to != null ? "&to=" + to : "") : "last=" + last;
            return printResponse(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/diagnose?" + query)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Command(name = "flows", mixinStandardHelpOptions = true, description = "The sampled traffic of a node's own connections"
            + " (gateway TCP and Aeron, per flow), largest first: estimated frames and bytes each way and the samples behind them.")
    static final class Flows implements Callable<Integer> {
        @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "node URL (default ${DEFAULT-VALUE})")
        String url;

        @Option(names = "--top", defaultValue = "20", description = "show at most this many flows (default ${DEFAULT-VALUE})")
        int top;

        @Override
        public Integer call() throws Exception {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/flows")).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return printResponse(response);
            }
            com.fasterxml.jackson.databind.JsonNode flows = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
            System.out.printf("sampling 1 in %d frames; estimates = samples x rate%n", flows.get("samplingRate").asInt());
            System.out.printf("%-8s %-28s %-28s %12s %14s %12s %14s %8s%n", "transport", "local", "remote", "frames in", "bytes in",
                    "frames out", "bytes out", "samples");
            int shown = 0;
            for (com.fasterxml.jackson.databind.JsonNode f : flows.get("flows")) {
                if (shown++ >= top) {
                    break;
                }
                System.out.printf("%-8s %-28s %-28s %12d %14d %12d %14d %8d%n", f.get("transport").asText(), f.get("local").asText(),
                        f.get("remote").asText(), f.get("framesIn").asLong(), f.get("bytesIn").asLong(), f.get("framesOut").asLong(),
                        f.get("bytesOut").asLong(), f.get("samples").asLong());
            }
            return 0;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "Search a node's JSON log files (works with the node down):"
            + " by time, class (debug, info, warn, audit), trace id and text; prints matching lines, oldest first.")
    static final class Logs implements Callable<Integer> {
        @Option(names = "--log-dir", defaultValue = "./data/logs", description = "the node's log.dir (default ${DEFAULT-VALUE})")
        Path logDir;

        @Option(names = "--last", description = "only the last N seconds")
        Long last;

        @Option(names = "--from", description = "start: ISO-8601 (2026-11-24T18:00:00Z) or epoch ms")
        String from;

        @Option(names = "--to", description = "end (exclusive): ISO-8601 or epoch ms")
        String to;

        @Option(names = "--class", split = ",", description = "log classes to read: debug, info, warn, audit (default all)")
        List<String> classes = new ArrayList<>();

        @Option(names = "--trace", description = "only lines logged inside this trace (32 hex digits, as in traceparent)")
        String traceId;

        @Option(names = "--grep", description = "only lines containing this text")
        String text;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(logDir)) {
                System.err.println("no log directory " + logDir.toAbsolutePath() + ": pass the node's log.dir with --log-dir (default <data.dir>/logs)");
                return 1;
            }
            Instant start = last != null ? Instant.now().minusSeconds(last) : instant("--from", from);
            Set<LogClass> wanted = EnumSet.noneOf(LogClass.class);
            for (String c : classes) {
                wanted.add(LogClass.parse(c));
            }
            LogSearch.Stats stats = LogSearch.search(logDir,
                    new LogSearch.Query(start, instant("--to", to), wanted, traceId, text), System.out::println);
            System.err.printf("%d matching lines; read %d lines in %d hour files, skipped %d hour files outside the range%n",
                    stats.linesMatched(), stats.linesRead(), stats.filesOpened(), stats.filesSkipped());
            return 0;
        }

        private static Instant instant(String option, String value) {
            if (value == null) {
                return null;
            }
            try {
                return value.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(value)) : Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(option + " " + value + " is not a time: use ISO-8601 like 2026-11-24T18:00:00Z or epoch milliseconds");
            }
        }
    }

    @Command(name = "profile", mixinStandardHelpOptions = true, description = "Record a CPU flame graph (JFR samples) of a running node and write it as SVG.")
    static final class Profile implements Callable<Integer> {
        @Option(names = "--seconds", defaultValue = "10", description = "how long to sample, 1..120 (default ${DEFAULT-VALUE})")
        int seconds;

        @Option(names = "--out", defaultValue = "flame.svg", description = "SVG file to write (default ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "node URL (gateway or query port; default ${DEFAULT-VALUE})")
        String url;

        @Override
        public Integer call() throws Exception {
            System.out.println("sampling " + url + " for " + seconds + " s ...");
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/profile?seconds=" + seconds))
                    .timeout(Duration.ofSeconds(seconds + 60)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                System.err.println(new String(response.body(), StandardCharsets.UTF_8));
                return 1;
            }
            Files.write(out, response.body());
            System.out.println("wrote " + out.toAbsolutePath() + " (" + response.body().length + " bytes); open it in a browser");
            return 0;
        }
    }

    @Command(name = "job", mixinStandardHelpOptions = true, description = "Flink jobs of the node: one aggregation job per stream, and the"
            + " jobs users submit (Flink SQL or a jar of DataStream code over the platform's streams).",
            subcommands = {Job.Submit.class, Job.ListJobs.class, Job.Savepoint.class, Job.Cancel.class, Job.Start.class, Job.Profile.class})
    static final class Job extends CommandGroup {

        /** POSTs an action on one stream's job to the query service and prints the answer. */
        abstract static class JobAction implements Callable<Integer> {
            @Parameters(index = "0", description = "a submitted job's name, or the stream whose aggregation job to act on")
            String stream;

            @Option(names = "--url", defaultValue = "http://127.0.0.1:8081", description = "query service URL (default ${DEFAULT-VALUE})")
            String url;

            abstract String action();

            @Override
            public Integer call() throws Exception {
                return printResponse(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/jobs/" + stream + "/" + action()))
                        .timeout(java.time.Duration.ofMinutes(3)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()));
            }
        }

        @Command(name = "savepoint", mixinStandardHelpOptions = true, description = "Take a savepoint of a job (under <data dir>/flink/savepoints/); prints its path.")
        static final class Savepoint extends JobAction {
            @Override
            String action() {
                return "savepoint";
            }
        }

        @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job. A stream's aggregation job keeps its checkpoints, so 'job start' resumes it; a submitted job is forgotten"
                + " (take a savepoint first to submit it again from there with --from).")
        static final class Cancel extends JobAction {
            @Override
            String action() {
                return "cancel";
            }
        }

        @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a stream's job again: from --from <savepoint>, or from its newest checkpoint.")
        static final class Start extends JobAction {
            @Option(names = "--from", description = "a savepoint path printed by 'platform job savepoint'")
            String from;

            @Override
            String action() {
                return from == null ? "start" : "start?from=" + java.net.URLEncoder.encode(from, java.nio.charset.StandardCharsets.UTF_8);
            }
        }

        @Command(name = "profile", mixinStandardHelpOptions = true, description = "Where a job (a submitted one, or a stream's aggregation) spends its time, per task"
                + " (busy, back-pressured, idle ms per second; records per second in and out; busy time per record; RocksDB state size and keys), and which task is the bottleneck.")
        static final class Profile implements Callable<Integer> {
            @Parameters(index = "0", description = "a submitted job's name, or the stream whose aggregation job to profile")
            String stream;

            @Option(names = "--url", defaultValue = "http://127.0.0.1:8081", description = "query service URL (default ${DEFAULT-VALUE})")
            String url;

            @Override
            public Integer call() throws Exception {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/jobs/" + stream + "/profile")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    return printResponse(response);
                }
                com.fasterxml.jackson.databind.JsonNode profile = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
                System.out.printf("%-60s %8s %8s %8s %12s %12s %10s %12s %10s%n", "task", "busy", "backpr.", "idle", "in/s", "out/s",
                        "us/record", "state MiB", "state keys");
                for (com.fasterxml.jackson.databind.JsonNode t : profile.get("tasks")) {
                    System.out.printf("%-60s %8d %8d %8d %12.1f %12.1f %10s %12.1f %10d%n", t.get("task").asText(), t.get("busyMsPerSecond").asLong(),
                            t.get("backPressuredMsPerSecond").asLong(), t.get("idleMsPerSecond").asLong(),
                            t.get("recordsInPerSecond").asDouble(), t.get("recordsOutPerSecond").asDouble(),
                            t.get("busyMicrosPerRecord").isNull() ? "-" : String.format("%.2f", t.get("busyMicrosPerRecord").asDouble()),
                            t.get("stateBytes").asLong() / 1048576.0, t.get("stateKeys").asLong());
                }
                System.out.println("(busy, back-pressured and idle: ms per second of each task's time; us/record: busy time per record in;"
                        + " state: RocksDB's estimates, 0 with the heap backend)");
                System.out.println("bottleneck: " + (profile.get("bottleneck").isNull() ? "none (no task busy 100 ms per second or more)"
                        : profile.get("bottleneck").asText()));
                System.out.printf("last checkpoint: %d ms, %d bytes; %d completed%n", profile.get("lastCheckpointMs").asLong(),
                        profile.get("lastCheckpointBytes").asLong(), profile.get("completedCheckpoints").asLong());
                return 0;
            }
        }

        @Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit a job: Flink SQL (INSERT INTO <stream> SELECT ... FROM"
                + " <stream>, each stream a table with an event_time column) or a jar with a PlatformJob class. It is checked and planned first"
                + " (errors say why), runs on the node's Flink cluster, writes into its target stream exactly once, and restarts with the node"
                + " from its newest checkpoint.")
        static final class Submit implements Callable<Integer> {
            @Parameters(index = "0", description = "the job's name: a-z, 0-9, _ and -")
            String name;

            @Option(names = "--sql", description = "a file of SQL statements, or - for standard input")
            String sql;

            @Option(names = "--jar", description = "a job jar: a class implementing io.platform.processing.jobs.PlatformJob")
            Path jar;

            @Option(names = "--class", description = "the job class in the jar (default: the manifest's Platform-Job attribute)")
            String jobClass;

            @Option(names = "--from", description = "start from this savepoint (printed by 'platform job savepoint')")
            String from;

            @Option(names = "--url", defaultValue = "http://127.0.0.1:8081", description = "query service URL (default ${DEFAULT-VALUE})")
            String url;

            @Override
            public Integer call() throws Exception {
                if ((sql == null) == (jar == null)) {
                    System.err.println("give exactly one of --sql <file|-> or --jar <file>");
                    return 2;
                }
                StringBuilder target = new StringBuilder(url).append("/v1/jobs/").append(name).append("/submit?");
                if (jobClass != null) {
                    target.append("class=").append(java.net.URLEncoder.encode(jobClass, java.nio.charset.StandardCharsets.UTF_8)).append('&');
                }
                if (from != null) {
                    target.append("from=").append(java.net.URLEncoder.encode(from, java.nio.charset.StandardCharsets.UTF_8));
                }
                byte[] body = jar != null ? java.nio.file.Files.readAllBytes(jar)
                        : sql.equals("-") ? System.in.readAllBytes() : java.nio.file.Files.readAllBytes(Path.of(sql));
                System.err.println("submitting job " + name + " (checked and planned by the node; a few seconds) ...");
                return printResponse(HTTP.send(HttpRequest.newBuilder(URI.create(target.toString())).timeout(java.time.Duration.ofMinutes(5))
                        .header("Content-Type", jar != null ? "application/java-archive" : "text/plain; charset=utf-8")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()));
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Every job: the streams' aggregation jobs and the submitted ones;"
                + " id, status, cluster, checkpoint restored from.")
        static final class ListJobs implements Callable<Integer> {
            @Option(names = "--url", defaultValue = "http://127.0.0.1:8081", description = "query service URL (default ${DEFAULT-VALUE})")
            String url;

            @Override
            public Integer call() throws Exception {
                return printResponse(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/jobs")).GET().build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
        }
    }

    @Command(name = "dlq", mixinStandardHelpOptions = true, description = "Inspect and replay a stream's dead letters.",
            subcommands = {Dlq.ListReasons.class, Dlq.Show.class, Dlq.Replay.class})
    static final class Dlq extends CommandGroup {

        abstract static class StreamOption {
            @Parameters(index = "0", description = "stream name")
            String stream;

            @Option(names = "--gateway", defaultValue = "http://127.0.0.1:8080", description = "gateway URL (default ${DEFAULT-VALUE})")
            String gateway;

            int get(String path) throws Exception {
                return printResponse(HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/dlq/" + stream + path)).GET().build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Dead letters counted by stage and reason.")
        static final class ListReasons extends StreamOption implements Callable<Integer> {
            @Override
            public Integer call() throws Exception {
                return get("");
            }
        }

        @Command(name = "show", mixinStandardHelpOptions = true, description = "Dead letters with their reason and payload.")
        static final class Show extends StreamOption implements Callable<Integer> {
            @Option(names = "--from", defaultValue = "0", description = "first offset (default ${DEFAULT-VALUE})")
            long from;

            @Option(names = "--limit", defaultValue = "20", description = "at most this many (default ${DEFAULT-VALUE})")
            int limit;

            @Override
            public Integer call() throws Exception {
                return get("/events?from=" + from + "&limit=" + limit);
            }
        }

        @Command(name = "replay", mixinStandardHelpOptions = true, description = "Re-ingest dead letters not replayed before (e.g. after a schema fix), exactly once; those failing again are parked.")
        static final class Replay extends StreamOption implements Callable<Integer> {
            @Override
            public Integer call() throws Exception {
                return printResponse(HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/dlq/" + stream + "/replay"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()));
            }
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks on a node of their own (temporary data dir, free ports).",
            subcommands = {Bench.E2e.class, Bench.Kafka.class, Bench.Backends.class, Bench.Flink.class, Bench.Query.class, Bench.Segments.class, Bench.Serialization.class, Bench.Ingest.class, Bench.Batching.class, Bench.Tls.class, Bench.Storage.class, Bench.Qos.class, Bench.Observability.class, Bench.Transport.class,
                    Bench.Durability.class, Bench.Fuzz.class, Bench.Backpressure.class})
    static final class Bench extends CommandGroup {

        abstract static class LoadOptions {
            @CommandLine.Mixin
            NodeOptions options;

            @Option(names = "--rate", defaultValue = "20000", description = "events per second, open loop; 0 = as fast as acks allow (default ${DEFAULT-VALUE})")
            int rate;

            @Option(names = "--duration", defaultValue = "60", description = "measured seconds (default ${DEFAULT-VALUE})")
            int durationSeconds;

            @Option(names = "--warmup", defaultValue = "10", description = "unmeasured seconds first (default ${DEFAULT-VALUE})")
            int warmupSeconds;
        }

        @Command(name = "serialization", mixinStandardHelpOptions = true, description = "Decoding wire-format events with the"
                + " platform's caching (reader per schema id, reused decoder) against a reader per event and a schema parsed per event;"
                + " events/s and per-event p50/p99/p999 ns, one thread, no node.")
        static final class Serialization implements Callable<Integer> {
            @Option(names = "--seconds", defaultValue = "5", description = "measured seconds per mode (default ${DEFAULT-VALUE})")
            int seconds;

            @Override
            public Integer call() throws Exception {
                new io.platform.deploy.bench.SerializationBench(System.out).run(seconds);
                return 0;
            }
        }

        @Command(name = "backpressure", mixinStandardHelpOptions = true, description = "A downstream slowdown in a Flink job reading Kafka:"
                + " in-job and end-to-end latency p50/p99/max before, during and after it, with Flink's flow control alone, the AIMD source"
                + " rate control, buffer debloating, and both; one run, an ingest-only node for the broker.")
        static final class Backpressure implements Callable<Integer> {
            @CommandLine.Mixin
            NodeOptions options;

            @Option(names = "--rate", defaultValue = "20000", description = "records per second written (default ${DEFAULT-VALUE})")
            int rate;

            @Option(names = "--slow-rate", defaultValue = "5000", description = "records per second the slow stage takes during the slowdown (default ${DEFAULT-VALUE})")
            int slowRate;

            @Option(names = "--before", defaultValue = "10", description = "seconds before the slowdown (default ${DEFAULT-VALUE})")
            int before;

            @Option(names = "--slow", defaultValue = "20", description = "seconds of slowdown (default ${DEFAULT-VALUE})")
            int slow;

            @Option(names = "--after", defaultValue = "20", description = "seconds of load after it (default ${DEFAULT-VALUE})")
            int after;

            @Option(names = "--debloat-target", defaultValue = "100ms", description = "Flink's in-flight data target for the debloat modes (default ${DEFAULT-VALUE})")
            String debloatTarget;

            @Override
            public Integer call() throws Exception {
                if (rate <= 0 || slowRate <= 0 || before < 1 || slow < 1 || after < 1) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--rate and --slow-rate must be above 0 and the phases at least 1 s");
                }
                java.time.Duration target = NodeConfig.parseDuration("--debloat-target", debloatTarget, "100ms");
                options.overrides.put("node.role", "ingest");
                try (PlatformNode node = PlatformNode.start(options.build(true))) {
                    new io.platform.deploy.bench.BackpressureBench(node, System.out).run(rate, slowRate, before, slow, after, target);
                }
                return 0;
            }
        }

        @Command(name = "backends", mixinStandardHelpOptions = true, description = "The aggregation jobs on the heap (HashMap) and on the"
                + " RocksDB state backend under the same open-loop load, each on a fresh full node (order heap, RocksDB, RocksDB, heap):"
                + " GC pause count, p50/p99/max and ms paused per second, end_to_end and process p99, heap after.")
        static final class Backends extends LoadOptions implements Callable<Integer> {
            @Override
            public Integer call() throws Exception {
                System.out.printf("bench backends: rate=%d/s warmup=%ds duration=%ds per run, 4 runs%n", rate, warmupSeconds, durationSeconds);
                new io.platform.deploy.bench.BackendBench(System.out).run(backend -> options.builder(true).set("flink.state.backend", backend).build(),
                        rate, warmupSeconds, durationSeconds);
                return 0;
            }
        }

        @Command(name = "flink", mixinStandardHelpOptions = true, description = "The windowed aggregation job alone at --rate, per state backend:"
                + " a plain producer writes the sample events (with the gateway's headers) into a stream of an ingest-only node and the job runs on"
                + " a MiniCluster of its own; prints events processed/s, process-stage p50/p99/p999 and the backlog left.")
        static final class Flink extends LoadOptions implements Callable<Integer> {
            @Option(names = "--backends", split = ",", defaultValue = "rocksdb,hashmap", description = "state backends to run, in order (default ${DEFAULT-VALUE})")
            List<String> backends;

            @Option(names = "--series", defaultValue = "1000", description = "distinct series (window keys) (default ${DEFAULT-VALUE})")
            int series;

            @Option(names = "--zipf", defaultValue = "0", description = "key skew: series drawn from a Zipf law with this exponent, e.g. 1.2"
                    + " (0: every series in turn, the default)")
            double zipf;

            @Override
            public Integer call() throws Exception {
                for (String backend : backends) {
                    if (!backend.equals("rocksdb") && !backend.equals("hashmap")) {
                        throw new CommandLine.ParameterException(new CommandLine(this), "--backends takes rocksdb and/or hashmap, got " + backend);
                    }
                }
                if (rate <= 0) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--rate must be above 0 for this bench (it measures latency at a fixed rate)");
                }
                if (zipf < 0 || series < 1) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--zipf must be 0 or more and --series at least 1, got --zipf " + zipf + " --series " + series);
                }
                options.overrides.put("node.role", "ingest");
                NodeConfig config = options.build(true);
                try (PlatformNode node = PlatformNode.start(config)) {
                    System.out.printf("bench flink: rate=%d/s series=%d zipf=%.2f warmup=%ds duration=%ds backends=%s parallelism=%s pre-aggregate=%s%n", rate, series, zipf,
                            warmupSeconds, durationSeconds, backends, config.get("flink.parallelism"), config.get("aggregation.pre-aggregate"));
                    new io.platform.deploy.bench.AggregationBench(node, System.out).run(backends, rate, series, zipf, warmupSeconds, durationSeconds,
                            options.builder(true));
                }
                return 0;
            }
        }

        @Command(name = "e2e", mixinStandardHelpOptions = true, description = "Open-loop load through the gateway (binary TCP) to queryable rows; prints throughput and p50/p99/p999/max per stage and end to end.")
        static final class E2e extends LoadOptions implements Callable<Integer> {
            @Override
            public Integer call() throws Exception {
                NodeConfig config = options.build(true);
                try (PlatformNode node = PlatformNode.start(config)) {
                    EndToEndBench bench = new EndToEndBench(node, System.out);
                    System.out.printf("bench e2e: rate=%d/s warmup=%ds duration=%ds node=%s%n", rate, warmupSeconds, durationSeconds, config.dataDir());
                    EndToEndBench.Result result = bench.gateway(rate, warmupSeconds, durationSeconds, true);
                    long stored = bench.awaitStored(result.acked(), 60_000);
                    bench.report(result);
                    System.out.println("stored rows: " + stored + " of " + result.acked() + " acknowledged");
                    bench.reportStages();
                }
                return 0;
            }
        }

        /** A benchmark on an ingest-only node of its own (unless --set node.role=all), with warm-up and duration per run. */
        abstract static class IngestNodeBench implements Callable<Integer> {
            @CommandLine.Mixin
            NodeOptions options;

            @Option(names = "--duration", defaultValue = "15", description = "measured seconds per run (default ${DEFAULT-VALUE})")
            int durationSeconds;

            @Option(names = "--warmup", defaultValue = "5", description = "unmeasured seconds first, per run (default ${DEFAULT-VALUE})")
            int warmupSeconds;

            abstract String describe();

            abstract void run(PlatformNode node) throws Exception;

            @Override
            public Integer call() throws Exception {
                options.overrides.putIfAbsent("node.role", "ingest");
                NodeConfig config = options.build(true);
                try (PlatformNode node = PlatformNode.start(config)) {
                    System.out.printf("%s (node.role=%s), warmup %ds + %ds measured per run%n", describe(), config.get("node.role"),
                            warmupSeconds, durationSeconds);
                    run(node);
                }
                return 0;
            }
        }

        @Command(name = "ingest", mixinStandardHelpOptions = true, description = "A plain KafkaProducer and the gateway's TCP, Aeron and HTTP paths on the same broker, saturating and then at --rate, in one run after an uncounted saturating warm-up of the first two (so the JIT favours no path); prints events/s, ratio to the plain producer, ack and produce_ack p50/p99/p999. Ingest-only node unless --set node.role=all.")
        static final class Ingest extends IngestNodeBench {
            @Option(names = "--rate", defaultValue = "50000", description = "the fixed rate of the second half, events/s (default ${DEFAULT-VALUE})")
            int rate;

            @Override
            String describe() {
                return "bench ingest: saturating, then " + rate + " events/s";
            }

            @Override
            void run(PlatformNode node) throws Exception {
                new io.platform.deploy.bench.IngestBench(node, System.out).run(rate, warmupSeconds, durationSeconds);
            }
        }

        @Command(name = "batching", mixinStandardHelpOptions = true, description = "Fixed against adaptive (AIMD) batching of single events into gateway batches, on a load that moves from a low to a high rate; prints events/s and ack p50/p99/p999 per phase and setting.")
        static final class Batching extends IngestNodeBench {
            @Option(names = "--low-rate", defaultValue = "2000", description = "events/s of the first phase (default ${DEFAULT-VALUE})")
            int lowRate;

            @Option(names = "--high-rate", defaultValue = "1200000", description = "events/s of the second phase (default ${DEFAULT-VALUE})")
            int highRate;

            @Override
            String describe() {
                return "bench batching: " + lowRate + "/s then " + highRate + "/s";
            }

            @Override
            void run(PlatformNode node) throws Exception {
                new io.platform.deploy.bench.BatchingBench(node, System.out).run(lowRate, highRate, warmupSeconds, durationSeconds);
            }
        }

        @Command(name = "tls", mixinStandardHelpOptions = true, description = "TLS 1.3 at the gateway: full vs resumed handshakes on the TCP and HTTPS listeners, then saturating ingest over mutual-TLS TCP vs plain TCP (two ingest-only nodes, one after the other).")
        static final class Tls implements Callable<Integer> {
            @CommandLine.Mixin
            NodeOptions options;

            @Option(names = "--handshakes", defaultValue = "300", description = "handshakes per row (default ${DEFAULT-VALUE})")
            int handshakes;

            @Option(names = "--duration", defaultValue = "15", description = "measured seconds of each ingest run (default ${DEFAULT-VALUE})")
            int durationSeconds;

            @Option(names = "--warmup", defaultValue = "5", description = "unmeasured seconds first (default ${DEFAULT-VALUE})")
            int warmupSeconds;

            @Override
            public Integer call() throws Exception {
                options.overrides.putIfAbsent("node.role", "ingest");
                new io.platform.deploy.bench.TlsBench(System.out, handshakes).run(options.builder(true), options.builder(true), warmupSeconds, durationSeconds);
                return 0;
            }
        }

        @Command(name = "fuzz", mixinStandardHelpOptions = true, description = "Seeded fuzzing of the gateway over HTTP and TCP: malformed JSON, wrong types, truncated and random binary frames; checks every bad event is refused with a reason and dead-lettered and every good one stored.")
        static final class Fuzz implements Callable<Integer> {
            @CommandLine.Mixin
            NodeOptions options;

            @Option(names = "--cases", defaultValue = "100000", description = "events to send (default ${DEFAULT-VALUE})")
            int cases;

            @Option(names = "--seed", description = "random seed (default: the time; printed to replay)")
            Long seed;

            @Override
            public Integer call() throws Exception {
                options.overrides.putIfAbsent("probe.enabled", "false");
                NodeConfig config = options.build(true);
                long s = seed != null ? seed : System.nanoTime();
                try (PlatformNode node = PlatformNode.start(config)) {
                    System.out.printf("bench fuzz: %d cases, seed %d ...%n", cases, s);
                    long start = System.nanoTime();
                    io.platform.deploy.bench.GatewayFuzzer.Report report = new io.platform.deploy.bench.GatewayFuzzer(node).run(s, cases);
                    System.out.printf("%s%n%s in %.1f s%n", report, report.clean() ? "CLEAN" : "PROBLEMS FOUND", (System.nanoTime() - start) / 1e9);
                    return report.clean() ? 0 : 1;
                }
            }
        }

        @Command(name = "durability", mixinStandardHelpOptions = true, description = "The same open-loop load into an ASYNC stream (page cache) and a SYNC stream (fsync before ack), one after the other; prints the ack latency of each.")
        static final class Durability extends LoadOptions implements Callable<Integer> {
            @Override
            public Integer call() throws Exception {
                options.overrides.putIfAbsent("node.role", "ingest");
                NodeConfig config = options.build(true);
                try (PlatformNode node = PlatformNode.start(config)) {
                    EndToEndBench bench = new EndToEndBench(node, System.out);
                    System.out.printf("bench durability: rate=%d/s warmup=%ds duration=%ds, data dir %s%n", rate, warmupSeconds, durationSeconds, config.dataDir());
                    EndToEndBench.Result async = bench.gateway(rate, warmupSeconds, durationSeconds, "durable_async",
                            io.platform.ingest.schema.StreamTopics.Durability.ASYNC);
                    EndToEndBench.Result sync = bench.gateway(rate, warmupSeconds, durationSeconds, "durable_sync",
                            io.platform.ingest.schema.StreamTopics.Durability.SYNC);
                    bench.report(async);
                    bench.report(sync);
                    System.out.printf("%nsync/async ack p50 %.2f, p99 %.2f%n",
                            sync.ack().getValueAtPercentile(50) / (double) Math.max(1, async.ack().getValueAtPercentile(50)),
                            sync.ack().getValueAtPercentile(99) / (double) Math.max(1, async.ack().getValueAtPercentile(99)));
                }
                return 0;
            }
        }

        @Command(name = "transport", mixinStandardHelpOptions = true, description = "Ping-pong RTT of 32 B and 1 KiB messages: raw socket TCP, Netty TCP, Aeron IPC and UDP, each raw and through the platform's frame API.")
        static final class Transport implements Callable<Integer> {
            @Option(names = "--iterations", defaultValue = "20000", description = "measured round trips per row (default ${DEFAULT-VALUE})")
            int iterations;

            @Option(names = "--warmup", defaultValue = "5000", description = "unmeasured round trips first (default ${DEFAULT-VALUE})")
            int warmup;

            @Option(names = "--idle", defaultValue = "backoff", description = "Aeron idle strategy of the pollers and of the shared media driver: backoff, yielding, busy-spin (default ${DEFAULT-VALUE})")
            String idle;

            @Option(names = "--isolated", defaultValue = "0", description = "instead: only the Aeron rows, raw against the API, each run in a JVM of its own with its own media driver"
                    + " (asleep for IPC runs, which do not pass through it, as a node's aeron.driver.idle-strategy=auto), this many rounds per side (ABBA), pooled (default off)")
            int isolatedRounds;

            @Override
            public Integer call() throws Exception {
                var bench = new io.platform.deploy.bench.TransportBench(System.out, warmup, iterations);
                if (isolatedRounds > 0) {
                    bench.runIsolated(idle, isolatedRounds);
                } else {
                    bench.run(idle);
                }
                return 0;
            }
        }

        @Command(name = "observability", mixinStandardHelpOptions = true, description = "What tracing and per-stage metrics cost on one node (ingest-only unless --set node.role=all): ON and OFF alternated every --slice-ms within one load at --rate (ack p99) and one saturating load (throughput), each event counted for the mode it was sent in; prints the cost in percent with a 95%% bootstrap interval. --phases N runs whole ON/OFF phases instead (the older method).")
        static final class Observability extends LoadOptions implements Callable<Integer> {
            @Option(names = "--sample-ratio", defaultValue = "0.01", description = "share of batches traced while ON (default ${DEFAULT-VALUE})")
            double sampleRatio;

            @Option(names = "--phases", defaultValue = "0", description = "run whole ON/OFF phases instead of interleaving: an even number, in the order"
                    + " ON OFF OFF ON ON OFF ..., each at --rate and then saturating, medians compared (0 = interleave, the default)")
            int phases;

            @Option(names = "--slice-ms", defaultValue = "500", description = "while interleaving, how long each ON or OFF slice lasts (default ${DEFAULT-VALUE})")
            int sliceMs;

            @Option(names = "--collection-only", description = "only add up what metrics collection costs in CPU at --rate (recordings x cost of one,"
                    + " ticker and sampler threads, scrapes), without the ON/OFF phases")
            boolean collectionOnly;

            @Override
            public Integer call() throws Exception {
                // the gateway's share by default: with storage and Flink consuming, saturating runs leave backlogs
                options.overrides.putIfAbsent("node.role", "ingest");
                NodeConfig config = options.build(true);
                try (PlatformNode node = PlatformNode.start(config)) {
                    System.out.printf("bench observability (node.role=" + config.get("node.role") + "): %d/s, warmup %ds + %ds per measurement, trace ratio %.3f%n", rate, warmupSeconds, durationSeconds, sampleRatio);
                    io.platform.deploy.bench.ObservabilityBench bench = new io.platform.deploy.bench.ObservabilityBench(node, System.out);
                    if (collectionOnly) {
                        bench.collectionCost(rate, warmupSeconds, durationSeconds);
                    } else if (phases == 0) {
                        if (sliceMs < 50 || durationSeconds * 1000L < 8L * sliceMs) {
                            throw new CommandLine.ParameterException(new CommandLine(this), "--slice-ms must be at least 50 and --duration at least 8 slices"
                                    + " (one block of four ON and four OFF), got --slice-ms " + sliceMs + " --duration " + durationSeconds);
                        }
                        bench.runInterleaved(rate, warmupSeconds, durationSeconds, sampleRatio, sliceMs);
                    } else {
                        if (phases < 2 || phases % 2 != 0) {
                            throw new CommandLine.ParameterException(new CommandLine(this), "--phases must be an even number of at least 2, got " + phases);
                        }
                        bench.run(rate, warmupSeconds, durationSeconds, sampleRatio, phases);
                    }
                }
                return 0;
            }
        }

        @Command(name = "qos", mixinStandardHelpOptions = true, description = "Storage QoS: a latency-sensitive tenant's series-hour reads alone, next to an unthrottled backfill, and next to a backfill held to an I/O budget; prints read p50/p99/p999 and backfill MB/s.")
        static final class Qos implements Callable<Integer> {
            @Option(names = "--seconds", defaultValue = "20", description = "seconds per run (default ${DEFAULT-VALUE})")
            int seconds;

            @Option(names = "--budget-mib", defaultValue = "16", description = "the backfill's budget in MiB/s for the third run (default ${DEFAULT-VALUE})")
            long budgetMib;

            @Override
            public Integer call() throws Exception {
                try (io.platform.deploy.bench.ScratchDir scratch = io.platform.deploy.bench.ScratchDir.create(null, "platform-qos-bench-")) {
                    new io.platform.deploy.bench.QosBench(System.out).run(scratch.path(), seconds, budgetMib << 20);
                }
                return 0;
            }
        }

        @Command(name = "storage", mixinStandardHelpOptions = true, description = "The warm tier against plain RocksDB (default options) on the same rows: ingest rows/s and one series-hour range read p50/p99; then a dashboard query uncached and cached.")
        static final class Storage implements Callable<Integer> {
            @Option(names = "--rows", defaultValue = "2000000", description = "rows to write (default ${DEFAULT-VALUE})")
            int rows;

            @Option(names = "--series", defaultValue = "100", description = "series, one row per second each (default ${DEFAULT-VALUE})")
            int series;

            @Option(names = "--reads", defaultValue = "2000", description = "range reads of one series-hour (default ${DEFAULT-VALUE})")
            int reads;

            @Option(names = "--compaction", defaultValue = "level", description = "compaction style of the warm tier's rows: level or universal"
                    + " (default ${DEFAULT-VALUE}; storage.rows.compaction on a node)")
            String compaction;

            @Option(names = "--block-cache", defaultValue = "512mb", description = "RocksDB block cache (default ${DEFAULT-VALUE}; storage.block-cache on a node)")
            String blockCache;

            @Option(names = "--write-buffer", defaultValue = "64mb", description = "memtable size per column family (default ${DEFAULT-VALUE}; storage.write-buffer on a node)")
            String writeBuffer;

            @Override
            public Integer call() throws Exception {
                if (!compaction.equals("level") && !compaction.equals("universal")) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--compaction must be level or universal, got " + compaction);
                }
                try (io.platform.deploy.bench.ScratchDir scratch = io.platform.deploy.bench.ScratchDir.create(null, "platform-storage-bench-")) {
                    new io.platform.deploy.bench.StorageBench(System.out).run(rows, series, reads, scratch.path(), new io.platform.storage.StorageOptions(false,
                            io.platform.deploy.node.NodeConfig.parseBytes(writeBuffer, "--write-buffer"),
                            io.platform.deploy.node.NodeConfig.parseBytes(blockCache, "--block-cache"),
                            io.platform.storage.StorageOptions.Compaction.valueOf(compaction.toUpperCase(java.util.Locale.ROOT))));
                }
                return 0;
            }
        }

        @Command(name = "segments", mixinStandardHelpOptions = true, description = "One large columnar segment file scanned read into the heap,"
                + " memory-mapped and with O_DIRECT, cold (page cache dropped: needs root) and warm, whole and a tenth of its time range;"
                + " prints MB/s, rows/s and how much each leaves in the page cache.")
        static final class Segments implements Callable<Integer> {
            @Option(names = "--rows", defaultValue = "20000000", description = "rows in the segment (default ${DEFAULT-VALUE})")
            int rows;

            @Option(names = "--dir", description = "directory for the segment file (default: a temporary one under the system's temp dir)")
            Path dir;

            @Override
            public Integer call() throws Exception {
                if (rows < 10_000) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--rows must be at least 10000, got " + rows);
                }
                try (io.platform.deploy.bench.ScratchDir scratch = io.platform.deploy.bench.ScratchDir.create(dir, "platform-segment-bench-")) {
                    new io.platform.deploy.bench.SegmentBench(System.out).run(rows, scratch.path());
                }
                return 0;
            }
        }

        @Command(name = "query", mixinStandardHelpOptions = true, description = "The platform's query engine against DuckDB (JDBC, same JVM,"
                + " one thread) on the same generated time series: filtered scan + sum/avg, GROUP BY series and hour, top-N, point lookup;"
                + " p50/p99 and rows/s per core of each.")
        static final class Query implements Callable<Integer> {
            @Option(names = "--rows", defaultValue = "2000000", description = "rows in the table (default ${DEFAULT-VALUE}; the issue's figures use 10000000)")
            int rows;

            @Option(names = "--series", defaultValue = "100", description = "series, one row per second each (default ${DEFAULT-VALUE})")
            int series;

            @Option(names = "--repeats", defaultValue = "5", description = "measured runs per shape (point lookups: 100 times as many)"
                    + " (default ${DEFAULT-VALUE})")
            int repeats;

            @Option(names = "--warmup", defaultValue = "3", description = "unmeasured runs per shape first, so the JIT has compiled the loops"
                    + " (the row path runs once; default ${DEFAULT-VALUE})")
            int warmups;

            @Option(names = "--skip-row-path", description = "measure only the sealed column segments (and DuckDB): at 100 M rows each"
                    + " row-at-a-time scan takes ~40 s")
            boolean skipRowPath;

            @Option(names = "--hot-memory", defaultValue = "2gb", description = "hot tier for the decoded column blocks (default ${DEFAULT-VALUE};"
                    + " 100 M rows need ~4gb and a larger heap: PLATFORM_JAVA_OPTS=-Xmx16g)")
            String hotMemory;

            @Override
            public Integer call() throws Exception {
                if (rows < series || series < 8 || repeats < 1) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "need --series of at least 8, --rows of at least --series and"
                            + " --repeats of at least 1; got --rows " + rows + " --series " + series + " --repeats " + repeats);
                }
                try (io.platform.deploy.bench.ScratchDir scratch = io.platform.deploy.bench.ScratchDir.create(null, "platform-query-bench-")) {
                    new io.platform.deploy.bench.QueryBench(System.out).run(rows, series, Math.max(1, warmups), repeats, scratch.path(), skipRowPath,
                            io.platform.deploy.node.NodeConfig.parseBytes(hotMemory, "--hot-memory"));
                }
                return 0;
            }
        }

        @Command(name = "kafka", mixinStandardHelpOptions = true, description = "The same load through a plain KafkaProducer and through the gateway, on the same broker and settings, in one run; prints the ratio. Runs an ingest-only node unless --set node.role=all.")
        static final class Kafka extends LoadOptions implements Callable<Integer> {
            @Option(names = "--rounds", defaultValue = "1", description = "plain/gateway pairs, alternating which goes first (ABBA), the ratio"
                    + " then being the median of the rounds': on a shared 2-core host one pair can be off by 20%% (default ${DEFAULT-VALUE})")
            int rounds;

            @Option(names = "--warmup-rounds", defaultValue = "0", description = "plain/gateway pairs run first and not counted, so the JIT has"
                    + " compiled both paths before the measured rounds (default ${DEFAULT-VALUE})")
            int warmupRounds;

            @Option(names = "--transport", defaultValue = "tcp", description = "the gateway path to compare: tcp (binary frames) or aeron (the same"
                    + " frames over Aeron UDP) (default ${DEFAULT-VALUE})")
            String transport;

            @Option(names = "--plain-with-header", description = "the plain producer writes the records the gateway writes, the pt times header"
                    + " included, so the ratio is of the gateway's own cost apart from its record format's")
            boolean plainWithHeader;

            @Override
            public Integer call() throws Exception {
                if (!transport.equals("tcp") && !transport.equals("aeron")) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--transport must be tcp or aeron, got " + transport);
                }
                if (rounds < 1) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--rounds must be at least 1, got " + rounds);
                }
                if (warmupRounds < 0) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--warmup-rounds must be 0 or more, got " + warmupRounds);
                }
                // without storage and Flink consuming, only the gateway's own cost differs between the two runs
                options.overrides.putIfAbsent("node.role", "ingest");
                NodeConfig config = options.build(true);
                try (PlatformNode node = PlatformNode.start(config)) {
                    EndToEndBench bench = new EndToEndBench(node, System.out).plainWithTimesHeader(plainWithHeader);
                    if (transport.equals("aeron")) {
                        if (node.aeronChannel() == null) {
                            throw new CommandLine.ParameterException(new CommandLine(this), "--transport aeron needs the gateway's Aeron channel;"
                                    + " it is off (gateway.aeron.channel is empty)");
                        }
                        bench.viaAeron();
                    }
                    System.out.printf("bench kafka (node.role=" + config.get("node.role") + "): rate=%d/s warmup=%ds duration=%ds rounds=%d%n",
                            rate, warmupSeconds, durationSeconds, rounds);
                    for (int round = 0; round < warmupRounds; round++) {
                        System.out.printf("warm-up round %d of %d (not counted)%n", round + 1, warmupRounds);
                        bench.plainProducer(rate, warmupSeconds, durationSeconds, false);
                        bench.gateway(rate, warmupSeconds, durationSeconds, false);
                    }
                    double[] ratios = new double[rounds];
                    double[] cpuRatios = new double[rounds];
                    for (int round = 0; round < rounds; round++) {
                        boolean plainFirst = round % 2 == 0;
                        EndToEndBench.Result plain = plainFirst ? bench.plainProducer(rate, warmupSeconds, durationSeconds, true) : null;
                        EndToEndBench.Result gateway = bench.gateway(rate, warmupSeconds, durationSeconds, true);
                        if (!plainFirst) {
                            plain = bench.plainProducer(rate, warmupSeconds, durationSeconds, true);
                        }
                        bench.report(plain);
                        bench.report(gateway);
                        ratios[round] = gateway.eventsPerSecond() / plain.eventsPerSecond();
                        // throughput per CPU: plain's CPU per event over the gateway's, 1.0 when the gateway path costs no more
                        cpuRatios[round] = plain.cpuMicrosPerEvent() / gateway.cpuMicrosPerEvent();
                        System.out.printf("%nround %d of %d (%s first): gateway/plain throughput ratio: %.3f   per-CPU ratio: %.3f   ack p99 ratio (gateway/plain): %.3f%n",
                                round + 1, rounds, plainFirst ? "plain" : "gateway", ratios[round], cpuRatios[round],
                                gateway.ack().getValueAtPercentile(99) / (double) Math.max(1, plain.ack().getValueAtPercentile(99)));
                    }
                    System.out.printf("gateway/plain throughput ratio, median of %d round(s): %s%n", rounds, medianWithRange(ratios));
                    System.out.printf("gateway/plain throughput per CPU (plain's CPU per event / the gateway's), median: %s%n", medianWithRange(cpuRatios));
                }
                return 0;
            }

            private static String medianWithRange(double[] values) {
                double[] sorted = values.clone();
                java.util.Arrays.sort(sorted);
                return String.format("%.3f (min %.3f, max %.3f)", sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
            }
        }
    }

    @Command(name = "doctor", mixinStandardHelpOptions = true, description = "Check this host (MTU, socket buffers, congestion control, clock sync, memory) and say what to fix; exits 1 on a failure.")
    static final class Doctor implements Callable<Integer> {
        @Option(names = "--peer", description = "a peer's data-interface MTU as name=mtu, to check MTU consistency (repeatable)")
        Map<String, Integer> peers = new java.util.LinkedHashMap<>();

        @Option(names = "--data-dir", defaultValue = "./data", description = "data directory whose disk to check (default ${DEFAULT-VALUE})")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            List<io.platform.network.host.HostFinding> findings = new ArrayList<>(io.platform.network.host.HostDoctor.forThisHost().run(peers));
            Path existing = dataDir.toAbsolutePath();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null) {
                long free = Files.getFileStore(existing).getUsableSpace();
                findings.add(new io.platform.network.host.HostFinding("disk free " + existing, free < (10L << 30)
                        ? io.platform.network.host.HostFinding.Level.WARN : io.platform.network.host.HostFinding.Level.OK,
                        (free >> 20) + " MiB", free < (10L << 30) ? "keep at least 10 GiB free for Kafka logs, RocksDB compaction and checkpoints" : ""));
            }
            findings.add(new io.platform.network.host.HostFinding("cpus", Runtime.getRuntime().availableProcessors() < 4
                    ? io.platform.network.host.HostFinding.Level.WARN : io.platform.network.host.HostFinding.Level.OK,
                    Runtime.getRuntime().availableProcessors() + " available",
                    Runtime.getRuntime().availableProcessors() < 4 ? "few cores: keep yielding/backoff idle strategies; busy-spin only on isolated cores" : ""));
            boolean failed = false;
            for (io.platform.network.host.HostFinding f : findings) {
                System.out.printf("%-5s %-34s %s%n", f.level(), f.check(), f.observed());
                if (!f.advice().isEmpty()) {
                    System.out.printf("      -> %s%n", f.advice());
                }
                failed |= f.level() == io.platform.network.host.HostFinding.Level.FAIL;
            }
            return failed ? 1 : 0;
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true, description = "List every node setting with its default.")
    static final class Config implements Runnable {
        @Override
        public void run() {
            NodeConfig.SETTINGS.forEach((key, v) -> System.out.printf("%-30s %-12s %s%n", key, v[0].isEmpty() ? "\"\"" : v[0], v[1]));
        }
    }
}
