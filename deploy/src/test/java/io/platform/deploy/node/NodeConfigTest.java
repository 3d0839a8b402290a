package io.platform.deploy.node;

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
        assertTrue(backend.getMessage().contains("rocksdb or hashmap"), backend.getMessage());
    }
}
