package io.platform.deploy.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.platform.deploy.node.ConfigException;
import io.platform.deploy.node.NodeConfig;
import io.platform.ingest.agent.FileTailAgent;
import io.platform.ingest.gateway.JsonEventIngest;
import io.platform.ingest.pull.HttpPollConnector;
import io.platform.ingest.pull.LocalIngestSink;
import io.platform.wire.schema.SchemaCatalog;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull connectors of a gateway node, read from the JSON file named by {@code connectors.file}: an array of
 * <pre>
 * {"name": "weather", "type": "http", "stream": "weather", "url": "http://host/readings", "interval": "5s", "cursorParam": "since"}
 * {"name": "app-log", "type": "file", "stream": "logs", "path": "/var/log/app.ndjson"}
 * </pre>
 * Each runs on its own thread into the node's ingest path; positions (file offsets, HTTP cursors) live under
 * {@code <data.dir>/connectors}. Mistakes in the file are config errors naming the connector, the field and the fix.
 */
final class PullConnectors implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PullConnectors.class);
    private final List<AutoCloseable> running = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    private PullConnectors() {
    }

    static PullConnectors start(Path file, Path dataDir, JsonEventIngest ingest, SchemaCatalog catalog) throws IOException {
        PullConnectors connectors = new PullConnectors();
        JsonNode all;
        try {
            all = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException("connectors.file=" + file + " cannot be read as JSON (" + e.getMessage()
                    + "); give a JSON array of connectors, see docs/operations.md");
        }
        if (all == null || !all.isArray()) {
            throw new ConfigException("connectors.file=" + file + " must hold a JSON array of connectors, see docs/operations.md");
        }
        Path state = Files.createDirectories(dataDir.resolve("connectors"));
        Set<String> names = new HashSet<>();
        for (JsonNode spec : all) {
            String name = field(spec, "name", file, "?");
            if (!name.matches("[A-Za-z0-9_.-]+") || !names.add(name)) {
                throw new ConfigException("connector '" + name + "' in " + file + ": names must be unique and use letters, digits, _ . -");
            }
            String stream = field(spec, "stream", file, name);
            String type = field(spec, "type", file, name);
            // what a connector reports is something an operator acts on: a failed poll, a missing schema, a truncated file
            Consumer<String> log = message -> LOG.warn("connector name={} message='{}'", name, message);
            LocalIngestSink sink = new LocalIngestSink(ingest, catalog, stream, log);
            switch (type) {
                case "http" -> {
                    URI url;
                    try {
                        url = URI.create(field(spec, "url", file, name));
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException("connector '" + name + "' in " + file + ": url is not a URL (" + e.getMessage() + ")");
                    }
                    String interval = spec.path("interval").asText("10s");
                    HttpPollConnector poller = new HttpPollConnector(name, url, stream,
                            NodeConfig.parseDuration("connector '" + name + "' interval", interval, "5s"),
                            spec.path("cursorParam").asText(""), state.resolve(name + ".state"), sink, catalog, log);
                    connectors.launch(name, poller, poller::run);
                }
                case "file" -> {
                    Path path = Path.of(field(spec, "path", file, name));
                    FileTailAgent tail = new FileTailAgent(path, state.resolve(name + ".offset"), sink, spec.path("batch").asInt(1000),
                            spec.path("lingerMs").asLong(50), log);
                    connectors.launch(name, tail, tail::run);
                }
                default -> throw new ConfigException("connector '" + name + "' in " + file + ": type '" + type + "' is unknown: use http "
                        + "or file");
            }
        }
        return connectors;
    }

    private static String field(JsonNode spec, String field, Path file, String name) {
        JsonNode value = spec.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new ConfigException("connector '" + name + "' in " + file + " needs \"" + field + "\" (a non-empty string)");
        }
        return value.asText();
    }

    @FunctionalInterface
    private interface Body {
        void run() throws Exception;
    }

    private void launch(String name, AutoCloseable connector, Body body) {
        running.add(connector);
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("connector stopped name={} error={} action='fix the cause and restart the node'", name, e.toString(), e);
            }
        }, "connector-" + name);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
    }

    int size() {
        return running.size();
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable connector : running) {
            connector.close();
        }
        for (Thread thread : threads) {
            // let a connector finish saving its position; only one asleep in a long poll interval gets interrupted
            thread.join(2_000);
            thread.interrupt();
            thread.join(5_000);
        }
    }
}
