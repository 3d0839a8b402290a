package io.platform.deploy.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.platform.observability.http.ServiceHttpServer;
import io.platform.storage.SealedPartition;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.tiering.SegmentTier;
import io.platform.wire.schema.SchemaCatalog;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.TreeSet;

/** {@code GET /v1/segments[?stream=S]}: each sealed partition, one JSON object per line, with the tier holding it. */
final class SegmentRoutes implements HttpHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TimeSeriesStore store;
    private final SegmentTier segments;
    private final SchemaCatalog catalog;

    SegmentRoutes(TimeSeriesStore store, SegmentTier segments, SchemaCatalog catalog) {
        this.store = store;
        this.segments = segments;
        this.catalog = catalog;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String only = ServiceHttpServer.queryParams(exchange).get("stream");
        StringBuilder lines = new StringBuilder();
        for (String stream : new TreeSet<>(catalog.streams())) {
            if (only != null && !only.equals(stream)) {
                continue;
            }
            for (SealedPartition p : store.sealed(stream, Long.MIN_VALUE, Long.MAX_VALUE)) {
                ObjectNode line = JSON.createObjectNode()
                        .put("stream", stream)
                        .put("from", Instant.ofEpochMilli(p.fromMs()).toString())
                        .put("to", Instant.ofEpochMilli(p.toMs()).toString())
                        .put("rows", p.rows())
                        .put("tier", segments.location(p).name().toLowerCase(Locale.ROOT))
                        .put("file", p.file());
                lines.append(JSON.writeValueAsString(line)).append('\n');
            }
        }
        ServiceHttpServer.respond(exchange, 200, "application/x-ndjson", lines.toString());
    }
}
