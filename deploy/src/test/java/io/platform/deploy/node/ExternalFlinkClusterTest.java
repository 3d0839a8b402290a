package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code flink.jobmanager} set, the node runs its jobs (the streams' aggregations and submitted jobs) on an
 * external Flink cluster instead of its MiniCluster: here a real standalone cluster of two child JVMs.
 */
class ExternalFlinkClusterTest {
    private static final long BASE = 1_700_000_040_000L - 1_700_000_040_000L % 60_000;

    @TempDir
    Path dataDir;
    // kept when the test fails: the JobManager's and TaskManager's logs are there
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path clusterDir;

    @Test
    void theSameJobsRunOnAStandaloneFlinkClusterAndAnswerTheSame() throws Exception {
        try (StandaloneFlinkCluster flink = StandaloneFlinkCluster.start(clusterDir, 8);
             PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts()
                     .set("flink.jobmanager", flink.restAddress()).set("aggregation.window", "1s")
                     .set("aggregation.out-of-orderness", "100ms").set("aggregation.idleness", "2s")
                     .set("flink.checkpoint.interval", "1s").set("storage.seal.after", "off").build())) {
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/readings", NodeHarness.READINGS_SCHEMA).statusCode());
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/readings_per_minute", """
                    {"type":"record","name":"PerMinute","namespace":"test","fields":[
                      {"name":"device","type":"string"},{"name":"ts","type":"long"},{"name":"n","type":"long"}]}""").statusCode());
            HttpResponse<String> submitted = NodeHarness.HTTP.send(HttpRequest.newBuilder(URI.create(NodeHarness.query(node) + "/v1/jobs/per-minute/submit"))
                    .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofString("""
                            INSERT INTO readings_per_minute
                            SELECT device, window_start AS ts, COUNT(*) AS n
                            FROM TABLE(TUMBLE(TABLE readings, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
                            GROUP BY device, window_start, window_end""")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, submitted.statusCode(), submitted.body());
            assertTrue(submitted.body().contains("\"cluster\":\"" + flink.restAddress() + "\""), submitted.body());
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/hot_readings", NodeHarness.READINGS_SCHEMA).statusCode());
            HttpResponse<String> jar = NodeHarness.HTTP.send(HttpRequest.newBuilder(URI.create(NodeHarness.query(node) + "/v1/jobs/hot/submit"))
                    .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/java-archive")
                    .POST(HttpRequest.BodyPublishers.ofFile(JobJars.hotReadings(clusterDir))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, jar.statusCode(), jar.body());

            StringBuilder events = new StringBuilder();
            for (int i = 0; i < 30; i++) {
                events.append("{\"device\":\"d").append(i % 3).append("\",\"ts\":").append(BASE + i * 1_000L).append(",\"temperature\":").append(i + 10).append("}\n");
            }
            events.append("{\"device\":\"d0\",\"ts\":").append(BASE + 65_000).append(",\"temperature\":1}\n");
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/readings/events", events.toString()).statusCode());

            NodeHarness.await("the SQL job's minute, computed on the standalone cluster", Duration.ofSeconds(90),
                    () -> NodeHarness.rows(node, "SELECT device, n FROM readings_per_minute WHERE ts = " + BASE + " ORDER BY device").size() == 3);
            assertEquals(List.of("{\"device\":\"d0\",\"n\":10}", "{\"device\":\"d1\",\"n\":10}", "{\"device\":\"d2\",\"n\":10}"),
                    NodeHarness.rows(node, "SELECT device, n FROM readings_per_minute WHERE ts = " + BASE + " ORDER BY device"));
            NodeHarness.await("the jar job's rows (its classes uploaded to the cluster with it): 31 to 39 degrees", Duration.ofSeconds(60),
                    () -> NodeHarness.rows(node, "SELECT count(*) AS n FROM hot_readings").equals(List.of("{\"n\":9}")));
            assertEquals(List.of(), NodeHarness.rows(node, "SELECT temperature FROM hot_readings WHERE temperature <= 30"));
            NodeHarness.await("the stream's aggregation, computed on the standalone cluster", Duration.ofSeconds(90),
                    () -> NodeHarness.rows(node, "SELECT sum(count) AS n FROM readings_1s WHERE window_start < " + (BASE + 30_000)).equals(List.of("{\"n\":30}")));

            // the cluster's own view: both jobs run there
            String overview = NodeHarness.get("http://" + flink.restAddress() + "/jobs/overview").body();
            assertTrue(overview.matches("(?s).*\"name\":\"platform-job-per-minute\"[^}]*\"state\":\"RUNNING\".*"), overview);
            assertTrue(overview.matches("(?s).*\"name\":\"platform-aggregation-readings\"[^}]*\"state\":\"RUNNING\".*"), overview);
            assertTrue(overview.matches("(?s).*\"name\":\"platform-job-hot\"[^}]*\"state\":\"RUNNING\".*"), overview);
            // the profile of a job on the external cluster comes from its REST API (its metrics are in the TaskManager)
            String profile = NodeHarness.get(NodeHarness.query(node) + "/v1/jobs/per-minute/profile").body();
            assertTrue(profile.matches("\\{\"job\":\"per-minute\",\"tasks\":\\[\\{\"task\":\"[^\"]+\",\"busyMsPerSecond\":\\d+.*"), profile);
            String streamProfile = NodeHarness.get(NodeHarness.query(node) + "/v1/jobs/readings/profile").body();
            assertTrue(streamProfile.contains("\"stream\":\"readings\",\"tasks\":[{\"task\":"), streamProfile);
        }
    }
}
