package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.deploy.bench.GatewayFuzzer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzz run against a real node (a small set here; {@code platform bench fuzz --cases 100000} for the full
 * one): every valid event stored, every invalid one refused with a reason and dead-lettered, the gateway healthy.
 */
class GatewayFuzzTest {
    @TempDir
    Path dataDir;

    @Test
    void refusesEveryMalformedEventWithAReasonAndStoresEveryValidOne() throws Exception {
        long seed = System.nanoTime();
        try (PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts().set("probe.enabled", "false").build())) {
            GatewayFuzzer.Report report = new GatewayFuzzer(node).run(seed, 2000);
            assertTrue(report.clean(), "fuzz report (replay with this seed): " + report);
        }
    }
}
