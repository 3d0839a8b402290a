package io.platform.processing.checkpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint interval and pause from a target recovery point, state size and write bandwidth. */
class CheckpointPlanTest {
    private static final long MIB = 1 << 20;

    @Test
    void theNewestCheckpointIsNeverOlderThanTheRpoWhenCheckpointsTakeTheirExpectedTime() {
        // 64 MiB at 100 MiB/s: 640 ms of writing plus the fixed 200 ms
        CheckpointPlan plan = CheckpointPlan.forRpo(Duration.ofSeconds(10), 64 * MIB, 100 * MIB);
        assertTrue(plan.meetsRpo());
        assertEquals(Duration.ofMillis(840), plan.expectedDuration());
        assertEquals(Duration.ofMillis(9_160), plan.interval());
        assertEquals(Duration.ofSeconds(10), plan.worstRecoveryPoint());
        assertEquals(Duration.ofMillis(840), plan.minPause(), "at most half the time spent checkpointing when they run long");
    }

    @Test
    void aTightRpoKeepsThePauseWithinThePlannedCycle() {
        // 3 s RPO, 1.2 s checkpoints: interval 1.8 s leaves 0.6 s between them, so the pause is 0.6 s, not 1.2 s
        CheckpointPlan plan = CheckpointPlan.forRpo(Duration.ofSeconds(3), 1_000 * MIB, 1_000 * MIB);
        assertTrue(plan.meetsRpo());
        assertEquals(Duration.ofMillis(1_800), plan.interval());
        assertEquals(Duration.ofMillis(600), plan.minPause());
    }

    @Test
    void anRpoTheDiskCannotMeetIsReportedWithTheRpoThatWouldWork() {
        // 1 GiB at 50 MiB/s: a checkpoint takes ~20.7 s, so a 10-s RPO is out of reach
        CheckpointPlan plan = CheckpointPlan.forRpo(Duration.ofSeconds(10), 1024 * MIB, 50 * MIB);
        assertFalse(plan.meetsRpo());
        assertEquals(plan.expectedDuration(), plan.interval(), "back to back");
        String line = plan.describe(Duration.ofSeconds(10), 1024 * MIB, 50 * MIB);
        assertTrue(line.contains("cannot be met") && line.contains("flink.checkpoint.rpo"), line);
        assertThrows(IllegalArgumentException.class, () -> CheckpointPlan.forRpo(Duration.ZERO, 1, 1));
    }

    @Test
    void theWriteBandwidthIsMeasuredOnceAndRemembered(@TempDir Path dir) throws Exception {
        long measured = WriteBandwidth.of(dir);
        assertTrue(measured > MIB, "a disk takes more than 1 MiB/s: " + measured);
        Files.writeString(dir.resolve(WriteBandwidth.REMEMBERED), "12345");
        assertEquals(12_345, WriteBandwidth.of(dir), "the remembered figure, not a new probe");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "the probe's scratch file is gone");
        }
    }
}
