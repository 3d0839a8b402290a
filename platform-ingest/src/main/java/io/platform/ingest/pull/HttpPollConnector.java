package io.platform.ingest.pull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.platform.ingest.agent.DurableFiles;
import io.platform.ingest.agent.NdjsonSink;
import io.platform.ingest.gateway.JsonEventIngest;
import io.platform.observability.LatencyMetrics;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Polls an HTTP endpoint that returns JSON events (an array, one object or NDJSON) every {@code interval} and ingests
 * the new ones into a stream. "New" is decided by a cursor: the largest value of the stream's time field taken so far.
 * Events at or before it are skipped, so an endpoint that returns a sliding window of recent events is read once;
 * when {@code cursorParam} is set, the cursor is also sent as that query parameter so the endpoint can return only
 * newer events. The cursor and the endpoint's ETag ({@code If-None-Match}, a 304 costs nothing) are kept in
 * {@code stateFile} after each delivered poll: a restart resumes without losing or repeating events. Events on the
 * cursor's exact millisecond that arrive in a later poll are skipped: pick a source whose time field strictly increases
 * per poll, or push instead. Runs on the calling thread of {@link #run()}.
 */
public final class HttpPollConnector implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final URI url;
    private final String stream;
    private final Duration interval;
    private final String cursorParam;
    private final Path stateFile;
    private final NdjsonSink sink;
    private final SchemaCatalog catalog;
    private final Consumer<String> log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Counter polled;
    private final Counter unchanged;
    private final Counter failedPolls;
    private final Counter taken;
    private final Counter skipped;
    private volatile boolean running = true;
    private boolean waitingLogged;
    private Long cursor;
    private String etag;

    public HttpPollConnector(String name, URI url, String stream, Duration interval, String cursorParam, Path stateFile,
                             NdjsonSink sink, SchemaCatalog catalog, Consumer<String> log) throws IOException {
        this.name = name;
        this.url = url;
        this.stream = stream;
        this.interval = interval;
        this.cursorParam = cursorParam == null || cursorParam.isEmpty() ? null : cursorParam;
        this.stateFile = stateFile;
        this.sink = sink;
        this.catalog = catalog;
        this.log = log;
        var registry = LatencyMetrics.global().registry();
        this.polled = Counter.builder("platform.connector.polls").tag("connector", name).tag("outcome", "ok").register(registry);
        this.unchanged = Counter.builder("platform.connector.polls").tag("connector", name)
                .tag("outcome", "not_modified").register(registry);
        this.failedPolls = Counter.builder("platform.connector.polls").tag("connector", name).tag("outcome", "error").register(registry);
        this.taken = Counter.builder("platform.connector.events").tag("connector", name).tag("outcome", "delivered").register(registry);
        this.skipped = Counter.builder("platform.connector.events").tag("connector", name).tag("outcome", "seen_before").register(registry);
        loadState();
    }

    private void loadState() throws IOException {
        if (!Files.exists(stateFile)) {
            return;
        }
        Properties state = new Properties();
        try (var in = Files.newBufferedReader(stateFile)) {
            state.load(in);
        }
        String savedCursor = state.getProperty("cursor");
        cursor = savedCursor == null ? null : Long.valueOf(savedCursor);
        etag = state.getProperty("etag");
    }

    private void saveState() throws IOException {
        Properties state = new Properties();
        if (cursor != null) {
            state.setProperty("cursor", cursor.toString());
        }
        if (etag != null) {
            state.setProperty("etag", etag);
        }
        StringWriter text = new StringWriter();
        state.store(text, "http poll connector " + name + ": " + url);
        DurableFiles.replace(stateFile, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    public void run() throws InterruptedException {
        while (running) {
            try {
                pollOnce();
            } catch (IOException e) {
                failedPolls.increment();
                log.accept("connector " + name + ": poll of " + url + " failed (" + e.getMessage() + "); next try in "
                        + interval.toMillis() + " ms");
            }
            Thread.sleep(interval.toMillis());
        }
    }

    /** One poll: fetch, skip what the cursor has seen, deliver the rest, then move the cursor. */
    public void pollOnce() throws IOException, InterruptedException {
        StreamSchema schema = catalog.latest(stream);
        if (schema == null) {
            // without the schema the time field, and so the cursor, is unknown: fetching now could repeat events later
            if (!waitingLogged) {
                log.accept("stream '" + stream
                        + "' has no schema yet: polling starts once one is registered (POST /v1/schemas/" + stream + ")");
                waitingLogged = true;
            }
            return;
        }
        URI target = url;
        if (cursorParam != null && cursor != null) {
            String param = URLEncoder.encode(cursorParam, StandardCharsets.UTF_8) + "=" + cursor;
            target = URI.create(url + (url.getRawQuery() == null ? "?" : "&") + param);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        HttpResponse<byte[]> response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 304) {
            unchanged.increment();
            return;
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        polled.increment();
        String timeField = schema.timeField();
        ByteArrayOutputStream fresh = new ByteArrayOutputStream();
        Long newest = cursor;
        int delivered = 0;
        for (byte[] event : JsonEventIngest.splitEvents(response.body())) {
            Long time = timeOf(event, timeField);
            if (time != null && cursor != null && time <= cursor) {
                skipped.increment();
                continue;
            }
            if (time != null && (newest == null || time > newest)) {
                newest = time;
            }
            fresh.write(event);
            fresh.write('\n');
            delivered++;
        }
        if (delivered > 0 && !sink.deliver(fresh.toByteArray(), () -> running)) {
            return;
        }
        taken.increment(delivered);
        cursor = newest;
        etag = response.headers().firstValue("ETag").orElse(null);
        saveState();
    }

    /** The event's time in epoch ms, or null when it has no numeric time field (the pipeline then judges it). */
    private static Long timeOf(byte[] event, String timeField) {
        if (timeField == null) {
            return null;
        }
        try {
            JsonNode value = JSON.readTree(event).get(timeField);
            return value != null && value.isIntegralNumber() ? value.asLong() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The largest time taken so far, or null before the first event. */
    public Long cursor() {
        return cursor;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        running = false;
    }
}
