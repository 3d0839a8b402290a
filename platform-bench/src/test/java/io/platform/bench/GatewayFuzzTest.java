package io.platform.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.deploy.node.NodeConfig;
import io.platform.deploy.node.PlatformNode;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A seeded fuzz run against a real node (a small set here; {@code platform bench fuzz --cases 100000} for the full
 * one): every valid event stored, every invalid one refused with a reason and dead-lettered, the gateway healthy;
 * with one record per event and with packed batches (HTTP requests and binary frames packed per partition).
 */
class GatewayFuzzTest {
    @TempDir
    Path dataDir;

    @ParameterizedTest(name = "gateway.pack-batches={0}")
    @ValueSource(booleans = {false, true})
    void refusesEveryMalformedEventWithAReasonAndStoresEveryValidOne(boolean packBatches) throws Exception {
        long seed = System.nanoTime();
        try (PlatformNode node = PlatformNode.start(NodeConfig.builder().dataDir(dataDir).ephemeralPorts().set("probe.enabled", "false")
                .set("gateway.pack-batches", Boolean.toString(packBatches)).build())) {
            GatewayFuzzer.Report report = new GatewayFuzzer(node).run(seed, 2000);
            assertTrue(report.clean(), "fuzz report (replay with this seed and gateway.pack-batches=" + packBatches + "): " + report);
        }
    }
}
