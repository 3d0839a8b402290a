package io.platform.network.rdma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fabric rule on sysfs trees as hosts with and without RDMA present them. */
class RdmaSelectionTest {
    private static final String FALLBACK = "Aeron UDP aeron:udp?endpoint=10.0.0.1:40123";

    @TempDir
    Path root;

    private void port(String device, int port, String linkLayer, String state) throws Exception {
        Path dir = Files.createDirectories(root.resolve("sys/class/infiniband/" + device + "/ports/" + port));
        Files.writeString(dir.resolve("link_layer"), linkLayer + "\n");
        Files.writeString(dir.resolve("state"), state + "\n");
        Files.writeString(dir.resolve("rate"), "100 Gb/sec (4X EDR)\n");
    }

    @Test
    void aHostWithoutRdmaFallsBackWithOneClearLine() {
        RdmaSelection.Decision decision = RdmaSelection.decide(RdmaSelection.scan(root), true, FALLBACK);
        assertEquals(RdmaSelection.Fabric.NONE, decision.fabric());
        assertFalse(decision.rdmaUsable());
        assertEquals("RDMA: no RDMA device under /sys/class/infiniband; using " + FALLBACK, decision.explanation());
    }

    @Test
    void anActiveInfiniBandPortWinsOverRoce() throws Exception {
        port("mlx5_0", 1, "Ethernet", "4: ACTIVE");
        port("mlx5_1", 1, "InfiniBand", "4: ACTIVE");
        List<RdmaPort> ports = RdmaSelection.scan(root);
        assertEquals(2, ports.size());
        RdmaSelection.Decision decision = RdmaSelection.decide(ports, true, FALLBACK);
        assertEquals(RdmaSelection.Fabric.INFINIBAND, decision.fabric());
        assertTrue(decision.rdmaUsable());
        assertTrue(decision.explanation().contains("mlx5_1 port 1"), decision.explanation());
    }

    @Test
    void roceIsChosenOnlyOnAnActiveEthernetPortAndWarnsAboutLosslessSwitching() throws Exception {
        port("mlx5_0", 1, "Ethernet", "4: ACTIVE");
        port("mlx5_1", 1, "InfiniBand", "1: DOWN");
        RdmaSelection.Decision decision = RdmaSelection.decide(RdmaSelection.scan(root), true, FALLBACK);
        assertEquals(RdmaSelection.Fabric.ROCE, decision.fabric());
        assertTrue(decision.explanation().contains("PFC or ECN"), decision.explanation());
    }

    @Test
    void devicesWithoutTheVerbsShimFallBackAndSayWhy() throws Exception {
        port("mlx5_0", 1, "InfiniBand", "4: ACTIVE");
        RdmaSelection.Decision decision = RdmaSelection.decide(RdmaSelection.scan(root), false, FALLBACK);
        assertEquals(RdmaSelection.Fabric.INFINIBAND, decision.fabric());
        assertFalse(decision.rdmaUsable());
        assertTrue(decision.explanation().endsWith("not loadable; using " + FALLBACK), decision.explanation());
    }

    @Test
    void onlyDownPortsCountAsNoRdma() throws Exception {
        port("mlx5_0", 1, "InfiniBand", "1: DOWN");
        RdmaSelection.Decision decision = RdmaSelection.decide(RdmaSelection.scan(root), true, FALLBACK);
        assertEquals(RdmaSelection.Fabric.NONE, decision.fabric());
        assertTrue(decision.explanation().startsWith("RDMA: no active RDMA port"), decision.explanation());
    }

    @Test
    void thisMachineHasNoRdmaAndFallsBack() {
        // the build machine: no /sys/class/infiniband, no libdisni; the same call the gateway makes at start
        StringBuilder logged = new StringBuilder();
        RdmaSelection.Decision decision = RdmaSelection.forThisHost(FALLBACK, logged::append);
        assertFalse(decision.rdmaUsable(), "a host with RDMA would need this expectation changed: " + decision);
        assertTrue(logged.toString().startsWith("RDMA: ") && logged.toString().endsWith(FALLBACK), logged.toString());
    }
}
