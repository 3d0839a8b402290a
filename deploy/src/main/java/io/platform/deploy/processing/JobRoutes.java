package io.platform.deploy.processing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.platform.observability.http.ServiceHttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/jobs}: every job, the streams' aggregation jobs and the submitted ones; {@code GET
 * /v1/jobs/<stream>/profile}: where an aggregation job's time goes and its bottleneck; {@code POST
 * /v1/jobs/<name>/submit[?class=C&from=S]}: a new job from the body, Flink SQL text or (Content-Type
 * application/java-archive) a job jar; {@code POST /v1/jobs/<name>/savepoint|cancel|start[?from=<savepoint>]}: take
 * a savepoint, cancel (an aggregation job keeps its checkpoints; a submitted job is forgotten), or start an
 * aggregation job again from a savepoint or its newest checkpoint.
 */
final class JobRoutes implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JobRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_JOB_BYTES = 256 << 20;
    private static final String USAGE = "use GET /v1/jobs, GET /v1/jobs/<stream>/profile, POST /v1/jobs/<name>/submit"
            + " or POST /v1/jobs/<name>/savepoint|cancel|start";

    private final AggregationJobs aggregationJobs;
    private final SubmittedJobs submittedJobs;

    JobRoutes(AggregationJobs aggregationJobs, SubmittedJobs submittedJobs) {
        this.aggregationJobs = aggregationJobs;
        this.submittedJobs = submittedJobs;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String[] path = Arrays.stream(exchange.getRequestURI().getPath().substring("/v1/jobs".length()).split("/"))
                .filter(p -> !p.isEmpty()).toArray(String[]::new);
        if (path.length == 0) {
            ServiceHttpServer.respond(exchange, 200, "application/x-ndjson", aggregationJobs.describe() + submittedJobs.describeAll());
        } else if (path.length == 2 && path[1].equals("profile") && exchange.getRequestMethod().equals("GET")) {
            profile(exchange, path[0]);
        } else if (path.length != 2 || !exchange.getRequestMethod().equals("POST")) {
            respondError(exchange, 404, USAGE);
        } else {
            act(exchange, path[0], path[1]);
        }
    }

    private void profile(HttpExchange exchange, String name) throws IOException {
        try {
            ServiceHttpServer.respond(exchange, 200, "application/json",
                    submittedJobs.has(name) ? submittedJobs.profile(name) : aggregationJobs.profile(name));
        } catch (IllegalArgumentException e) {
            respondError(exchange, 404, e.getMessage());
        } catch (Exception e) {
            // an external cluster's REST API did not answer
            respondError(exchange, 502, "cannot read the job's metrics from the Flink cluster: " + e.getMessage());
        }
    }

    private void act(HttpExchange exchange, String name, String action) throws IOException {
        Map<String, String> params = ServiceHttpServer.queryParams(exchange);
        String from = params.get("from");
        boolean submitted = submittedJobs.has(name);
        try {
            String answer = switch (action) {
                case "submit" -> submittedJobs.submit(name, definition(exchange, params), from);
                case "savepoint" -> JSON.createObjectNode().put("job", name)
                        .put("savepoint", submitted ? submittedJobs.savepoint(name) : aggregationJobs.savepoint(name)).toString();
                case "cancel" -> {
                    if (submitted) {
                        submittedJobs.cancel(name);
                    } else {
                        aggregationJobs.cancel(name);
                    }
                    yield JSON.createObjectNode().put("job", name).put("status", "CANCELED").toString();
                }
                case "start" -> {
                    if (submitted) {
                        throw new IllegalArgumentException("job '" + name + "' was submitted: it starts with the node; to run it"
                                + " from a savepoint, cancel it and submit it again with --from <savepoint>");
                    }
                    String restored = aggregationJobs.start(name, from);
                    yield JSON.createObjectNode().put("job", name).put("status", "RUNNING").put("restoredFrom", restored).toString();
                }
                default -> throw new IllegalArgumentException("unknown action '" + action + "': use submit, savepoint, cancel or start");
            };
            ServiceHttpServer.respond(exchange, 200, "application/json", answer);
        } catch (IllegalArgumentException e) {
            respondError(exchange, 400, e.getMessage());
        } catch (Exception e) {
            LOG.warn("job action failed action={} job={} error={}", action, name, e.toString(), e);
            respondError(exchange, 500, causes(e));
        }
    }

    private static SubmittedJobs.Definition definition(HttpExchange exchange, Map<String, String> params) throws IOException {
        byte[] body = exchange.getRequestBody().readNBytes(MAX_JOB_BYTES + 1);
        if (body.length > MAX_JOB_BYTES) {
            throw new IllegalArgumentException("a job definition is limited to " + (MAX_JOB_BYTES >> 20) + " MiB");
        }
        String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        return type.startsWith("application/java-archive")
                ? new SubmittedJobs.Definition(null, body, params.get("class"))
                : new SubmittedJobs.Definition(new String(body, StandardCharsets.UTF_8), null, null);
    }

    /** The cluster's reason is usually a few causes down (ExecutionException, JobSubmissionException, ...). */
    private static String causes(Exception e) {
        StringBuilder causes = new StringBuilder(e.toString());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            causes.append("; caused by ").append(cause);
        }
        return causes.toString();
    }

    private static void respondError(HttpExchange exchange, int status, String message) throws IOException {
        ObjectNode error = JSON.createObjectNode().put("error", message);
        ServiceHttpServer.respond(exchange, status, "application/json", error.toString());
    }
}
