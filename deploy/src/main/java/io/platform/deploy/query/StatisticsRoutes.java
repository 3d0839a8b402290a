package io.platform.deploy.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.platform.observability.http.ServiceHttpServer;
import io.platform.query.stats.ColumnStatistics;
import io.platform.query.stats.StatisticsCatalog;
import io.platform.query.stats.TableStatistics;
import io.platform.wire.schema.SchemaCatalog;
import java.io.IOException;
import java.util.TreeMap;

/**
 * {@code GET /v1/statistics?stream=S}: what the planner knows of a stream, gathered now: rows, and per column its
 * values, distinct values, min, max and histogram boundaries (numbers). One JSON object.
 */
final class StatisticsRoutes implements HttpHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StatisticsCatalog statistics;
    private final SchemaCatalog catalog;

    StatisticsRoutes(StatisticsCatalog statistics, SchemaCatalog catalog) {
        this.statistics = statistics;
        this.catalog = catalog;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String stream = ServiceHttpServer.queryParams(exchange).get("stream");
        TableStatistics stats = stream == null ? null : statistics.refresh(stream);
        if (stats == null) {
            ObjectNode error = JSON.createObjectNode()
                    .put("error", "name a stream: /v1/statistics?stream=<stream>; streams: " + catalog.streams());
            ServiceHttpServer.respond(exchange, 400, "application/json", error.toString());
            return;
        }
        ObjectNode json = JSON.createObjectNode();
        json.put("stream", stats.stream());
        json.put("rows", stats.rows());
        json.put("sealed_rows", stats.sealedRows());
        json.put("recent_rows_sampled", stats.sampledRows());
        ObjectNode columns = json.putObject("columns");
        for (ColumnStatistics column : new TreeMap<>(stats.columns()).values()) {
            ObjectNode c = columns.putObject(column.column());
            c.put("values", column.values());
            c.put("distinct", column.distinct());
            c.putPOJO("min", column.min());
            c.putPOJO("max", column.max());
            if (column.boundaries() != null) {
                ArrayNode histogram = c.putArray("histogram");
                for (double boundary : column.boundaries()) {
                    histogram.add(boundary);
                }
            }
        }
        ServiceHttpServer.respond(exchange, 200, "application/json", json.toString());
    }
}
