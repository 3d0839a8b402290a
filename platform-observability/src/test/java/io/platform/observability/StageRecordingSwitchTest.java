package io.platform.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The switch the observability benchmark uses really stops recording, and turning it on again resumes it. */
class StageRecordingSwitchTest {
    @Test
    void recordingOffLeavesEveryStageUntouched() {
        StageLatency stage = LatencyMetrics.global().stage(Stage.VALIDATE);
        long before = stage.count();
        try {
            StageLatency.setRecording(false);
            stage.recordNanos(1_000);
            assertEquals(before, stage.count());
        } finally {
            StageLatency.setRecording(true);
        }
        stage.recordNanos(1_000);
        assertEquals(before + 1, stage.count());
    }
}
