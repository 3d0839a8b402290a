package io.platform.deploy.processing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.deploy.node.ConfigException;
import org.junit.jupiter.api.Test;

/** {@code flink.jobmanager} errors name the key and what is wrong with it. */
class FlinkClusterTest {
    @Test
    void anAddressWhereNoJobManagerAnswersIsAConfigErrorNamingTheKey() {
        ConfigException error = assertThrows(ConfigException.class, () -> FlinkCluster.external("127.0.0.1:1"));
        assertTrue(error.getMessage().contains("flink.jobmanager=127.0.0.1:1") && error.getMessage().contains("no Flink JobManager answers"), error.getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> FlinkCluster.external("flink-jm")).getMessage().contains("is not host:port"));
    }
}
