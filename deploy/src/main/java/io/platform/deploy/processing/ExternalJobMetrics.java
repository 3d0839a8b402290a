package io.platform.deploy.processing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.platform.processing.metrics.JobProfile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobID;

/**
 * A job's profile read from an external Flink cluster's REST API, where its metrics live (in the TaskManagers' JVMs,
 * not the node's): per vertex (a task: a chain of operators) the subtasks' busy, back-pressured and idle time averaged
 * and their record rates summed ({@code /jobs/:id/vertices/:vertex/subtasks/metrics}), and the last completed
 * checkpoint ({@code /jobs/:id/checkpoints}). The same figures the metric bridge gives for the MiniCluster.
 */
final class ExternalJobMetrics {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String TASK_METRICS = "busyTimeMsPerSecond,backPressuredTimeMsPerSecond,idleTimeMsPerSecond,"
            + "numRecordsInPerSecond,numRecordsOutPerSecond";

    private ExternalJobMetrics() {
    }

    static JobProfile.Figures profile(String restUrl, JobID id) throws IOException, InterruptedException {
        JsonNode job = get(restUrl + "/jobs/" + id);
        List<JobProfile.Task> tasks = new ArrayList<>();
        for (JsonNode vertex : job.path("vertices")) {
            double[] figures = new double[5];
            for (JsonNode metric : get(restUrl + "/jobs/" + id + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics?get="
                    + TASK_METRICS)) {
                String name = metric.path("id").asText();
                // times are per subtask (averaged, as the bridge does); rates add up over the subtasks
                boolean time = name.endsWith("TimeMsPerSecond");
                double value = number(metric.path(time ? "avg" : "sum"));
                int slot = TASK_METRICS.substring(0, TASK_METRICS.indexOf(name)).split(",", -1).length - 1;
                figures[slot] = Double.isNaN(value) ? 0 : value; // not measured yet, as the bridge skips it
            }
            tasks.add(new JobProfile.Task(vertex.path("name").asText(), figures[0], figures[1], figures[2], figures[3], figures[4]));
        }
        JsonNode checkpoints = get(restUrl + "/jobs/" + id + "/checkpoints");
        JsonNode latest = checkpoints.path("latest").path("completed");
        return new JobProfile.Figures(tasks, latest.path("end_to_end_duration").asLong(0), latest.path("state_size").asLong(0),
                checkpoints.path("counts").path("completed").asLong(0));
    }

    /** A metric's value: Flink writes numbers, or strings such as "NaN" for one not measured yet. */
    private static double number(JsonNode value) {
        if (value.isNumber()) {
            return value.asDouble();
        }
        try {
            return Double.parseDouble(value.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Flink REST " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
