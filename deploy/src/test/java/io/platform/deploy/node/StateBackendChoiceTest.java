package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job keeps the state backend its checkpoints were written with; a fresh start or a savepoint chooses afresh. */
class StateBackendChoiceTest {
    @TempDir
    Path checkpoints;

    @Test
    void aJobWithCheckpointsKeepsItsBackendAndAFreshStartRecordsTheNewChoice() throws Exception {
        assertEquals("rocksdb", AggregationJobs.keptBackend(checkpoints, "rocksdb", true), "first start: the choice");
        assertEquals("rocksdb", Files.readString(checkpoints.resolve(AggregationJobs.BACKEND_FILE)), "recorded next to the checkpoints");
        assertEquals("rocksdb", AggregationJobs.keptBackend(checkpoints, "hashmap", false),
                "restoring native checkpoints: they only restore into the backend that wrote them");
        assertEquals("hashmap", AggregationJobs.keptBackend(checkpoints, "hashmap", true), "from a savepoint (or no checkpoint): the new choice");
        assertEquals("hashmap", AggregationJobs.keptBackend(checkpoints, "rocksdb", false));
    }
}
