package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One node per data directory: the second is refused before it touches a file, and the directory frees at close. */
class DataDirLockTest {
    @TempDir
    Path dataDir;

    @Test
    void refusesASecondNodeOnTheSameDataDirUntilTheFirstCloses() throws Exception {
        try (DataDirLock first = DataDirLock.acquire(dataDir)) {
            ConfigException refused = assertThrows(ConfigException.class, () -> DataDirLock.acquire(dataDir));
            assertTrue(refused.getMessage().contains("data.dir=" + dataDir + " is in use by another node")
                    && refused.getMessage().contains("--data-dir"), refused.getMessage());
        }
        DataDirLock.acquire(dataDir).close();
    }
}
