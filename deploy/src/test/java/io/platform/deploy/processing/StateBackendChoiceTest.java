package io.platform.deploy.processing;

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

    @Test
    void aJobThatGrewPastItsDeclarationIsSizedByWhatItWasSeenToHold() throws Exception {
        Path savepoint = Files.createDirectories(checkpoints.resolve("savepoint-1"));
        Files.write(savepoint.resolve("_metadata"), new byte[1 << 10]);
        Files.write(Files.createDirectories(savepoint.resolve("op")).resolve("state"), new byte[3 << 20]);
        long observed = FlinkRuntime.sizeOf(savepoint);
        assertEquals((3 << 20) + (1 << 10), observed, "every file under the savepoint");
        long heapPerSlot = 8L << 20;
        long declared = 1L << 20;
        assertEquals("hashmap", io.platform.processing.state.StateBackendRule.choose("auto", AggregationJobs.expectedStateBytes(declared, 0), heapPerSlot),
                "1 MiB declared, nothing seen yet: fits a quarter of 8 MiB");
        assertEquals("rocksdb", io.platform.processing.state.StateBackendRule.choose("auto", AggregationJobs.expectedStateBytes(declared, observed), heapPerSlot),
                "3 MiB seen in its savepoint: over a quarter of 8 MiB");
        assertEquals(0, FlinkRuntime.sizeOf(checkpoints.resolve("none")));
    }
}
