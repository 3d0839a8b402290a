package io.platform.deploy.node;

import io.platform.deploy.processing.AggregationJobs;
import io.platform.deploy.processing.ProcessingConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
    @TempDir
    Path dir;

    @Test
    void shouldUseDocumentedDefaultsAndFileValuesAndOverrides() throws Exception {
        Path file = dir.resolve("node.properties");
        Files.writeString(file, "gateway.http.port=18080\naggregation.window=1m\n");
        NodeConfig config = NodeConfig.builder().file(file).set("gateway.http.port", "28080").build();
        assertEquals(28080, config.integer("gateway.http.port"));
        assertEquals(Duration.ofMinutes(1), config.duration("aggregation.window"));
        assertEquals(8081, config.integer("query.http.port"));
    }

    @Test
    void errorsNameTheKeyAndTheFix() {
        ConfigException unknown = assertThrows(ConfigException.class, () -> NodeConfig.builder().set("gateway.port", "1"));
        assertTrue(unknown.getMessage().contains("'gateway.port'") && unknown.getMessage().contains("gateway.http.port"), unknown.getMessage());
        ConfigException port = assertThrows(ConfigException.class, () -> NodeConfig.builder().set("query.http.port", "70000").build());
        assertTrue(port.getMessage().startsWith("query.http.port=70000"), port.getMessage());
        ConfigException duration = assertThrows(ConfigException.class, () -> NodeConfig.builder().set("aggregation.window", "10").build());
        assertTrue(duration.getMessage().contains("e.g. aggregation.window=10s"), duration.getMessage());
        ConfigException backend = assertThrows(ConfigException.class, () -> NodeConfig.builder().set("flink.state.backend", "disk").build());
        assertTrue(backend.getMessage().contains("rocksdb, hashmap or auto"), backend.getMessage());
        ConfigException size = assertThrows(ConfigException.class, () -> NodeConfig.builder().set("flink.checkpoint.state-size", "lots").build());
        assertTrue(size.getMessage().contains("e.g. flink.checkpoint.state-size=64mb"), size.getMessage());
        ConfigException rpo = assertThrows(ConfigException.class, () -> NodeConfig.builder().set("flink.checkpoint.rpo", "soon").build());
        assertTrue(rpo.getMessage().startsWith("flink.checkpoint.rpo=soon is not a duration"), rpo.getMessage());
        ConfigException seal = assertThrows(ConfigException.class, () -> NodeConfig.builder().set("storage.seal.after", "later").build());
        assertTrue(seal.getMessage().contains("storage.seal.after"), seal.getMessage());
        assertEquals("off", NodeConfig.builder().set("storage.seal.after", "off").build().get("storage.seal.after"));
        ConfigException cold = assertThrows(ConfigException.class, () -> NodeConfig.builder().set("storage.cold.dirs", "/a,/b,/c").build());
        assertTrue(cold.getMessage().contains("storage.cold.shards=6+3 needs 9"), cold.getMessage());
        assertEquals(3, NodeConfig.builder().set("storage.cold.dirs", "/a,/b,/c").set("storage.cold.shards", "2+1").build().coldDirs().size());
        ConfigException perStream = assertThrows(ConfigException.class, () -> NodeConfig.builder().set("storage.cold.after-per-stream", "history").build());
        assertTrue(perStream.getMessage().contains("'history' is not stream:duration"), perStream.getMessage());
        assertEquals(-1L, NodeConfig.builder().set("storage.cold.after-per-stream", "probe:off").build().coldAfterByStream().get("probe"));
        ConfigException memtable = assertThrows(ConfigException.class, () -> NodeConfig.builder().set("storage.write-buffer", "4kb").build());
        assertTrue(memtable.getMessage().contains("storage.write-buffer=4kb is too small"), memtable.getMessage());
        ConfigException timers = assertThrows(ConfigException.class, () -> NodeConfig.builder().set("flink.rocksdb.timers", "disk").build());
        assertTrue(timers.getMessage().contains("use rocksdb or heap"), timers.getMessage());
        ConfigException driver = assertThrows(ConfigException.class, () -> NodeConfig.builder().set("aeron.driver.idle-strategy", "spin").build());
        assertTrue(driver.getMessage().startsWith("aeron.driver.idle-strategy=spin") && driver.getMessage().contains("auto, sleeping"), driver.getMessage());
    }

    @Test
    void anRpoPlansTheCheckpointsOfTheAggregationJobsFromTheStateSizeAndWriteBandwidth() throws Exception {
        NodeConfig config = NodeConfig.builder().set("data.dir", dir.toString()).set("flink.checkpoint.rpo", "10s")
                .set("flink.checkpoint.state-size", "64mb").set("flink.checkpoint.write-bandwidth", "100mb").build();
        assertEquals(64L << 20, config.bytes("flink.checkpoint.state-size"));
        io.platform.processing.aggregation.AggregationSettings settings = new io.platform.processing.aggregation.AggregationSettings(
                "127.0.0.1:1", Duration.ofSeconds(10), "10s", Duration.ofSeconds(2), Duration.ofSeconds(5));
        try (AggregationJobs jobs = new AggregationJobs(ProcessingConfig.from(config), settings)) {
            assertEquals(Duration.ofMillis(9_160), jobs.checkpointPlan().interval(), "10 s minus one checkpoint of 64 MiB at 100 MiB/s");
            assertEquals(Duration.ofSeconds(10), jobs.checkpointPlan().worstRecoveryPoint());
        }
        try (AggregationJobs jobs = new AggregationJobs(ProcessingConfig.from(NodeConfig.builder().set("data.dir", dir.resolve("second").toString())
                .build()), settings)) {
            assertEquals(null, jobs.checkpointPlan(), "no RPO: flink.checkpoint.interval applies");
        }
    }
}
