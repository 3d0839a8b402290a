package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders {@code /dashboard} in headless Chromium (Debian's package; .ci/run installs it) while events flow, and checks
 * that the page shows live figures and that every chart drew data points.
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    @TempDir
    Path dataDir;

    @Test
    void dashboardRendersLiveThroughputLatencyAndCharts() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed (apt-get install chromium); .ci/run installs it");
        try (PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts().build())) {
            assertEquals(200, NodeHarness.post(NodeHarness.gateway(node) + "/v1/schemas/readings", NodeHarness.READINGS_SCHEMA).statusCode());
            // events keep flowing while the page renders, so its "last second" tiles have something to show
            java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread load = new Thread(() -> {
                while (sending.get()) {
                    long now = System.currentTimeMillis();
                    StringBuilder ndjson = new StringBuilder();
                    for (int i = 0; i < 200; i++) {
                        ndjson.append("{\"device\":\"d").append(i % 5).append("\",\"ts\":").append(now + i).append(",\"temperature\":1.5}\n");
                    }
                    try {
                        NodeHarness.post(NodeHarness.gateway(node) + "/v1/streams/readings/events", ndjson.toString());
                        Thread.sleep(100);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            load.start();
            String dom;
            try {
                NodeHarness.await("stats samples with stored events", Duration.ofSeconds(15), () -> {
                    try {
                        return NodeHarness.get(NodeHarness.gateway(node) + "/v1/stats").body().split("\"end_to_end\":\\[[1-9]").length > 3;
                    } catch (Exception e) {
                        return false;
                    }
                });
                dom = render(NodeHarness.gateway(node) + "/dashboard");
            } finally {
                sending.set(false);
                load.join();
            }
            assertTrue(number(dom, "ingested-per-s") > 0, "validated events/s: " + tile(dom, "ingested-per-s"));
            assertTrue(number(dom, "e2e-p99") > 0, "end_to_end p99 tile shows a latency: " + tile(dom, "e2e-p99"));
            Matcher points = Pattern.compile("data-points=\"(\\d+)\"").matcher(dom);
            int charts = 0;
            while (points.find()) {
                assertTrue(Integer.parseInt(points.group(1)) > 0, "chart drew points");
                charts++;
            }
            assertEquals(5, charts, "all five charts rendered");
        }
    }

    private static String render(String url) throws Exception {
        Path profile = Files.createTempDirectory("chromium-profile");
        Process chromium = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--virtual-time-budget=3000", "--dump-dom", url))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(chromium.waitFor(60, TimeUnit.SECONDS), "chromium finished");
        return dom;
    }

    private static String tile(String dom, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\">([^<]*)<").matcher(dom);
        return m.find() ? m.group(1) : "(missing)";
    }

    private static double number(String dom, String id) {
        String text = tile(dom, id);
        double scale = text.endsWith("k") ? 1e3 : text.endsWith("M") ? 1e6 : 1;
        try {
            return Double.parseDouble(text.replaceAll("[kM]$", "")) * scale;
        } catch (NumberFormatException e) {
            throw new AssertionError("tile " + id + " shows no number: '" + text + "'");
        }
    }
}
