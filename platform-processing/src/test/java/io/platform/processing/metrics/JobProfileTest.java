package io.platform.processing.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobProfileTest {
    @Test
    void theBottleneckIsTheBusiestTaskThatIsNotItselfWaitingDownstream() {
        List<JobProfile.Task> tasks = List.of(
                new JobProfile.Task("Source: ingest.sensors", 150, 800, 50, 0, 40_000),
                new JobProfile.Task("window-aggregate", 950, 0, 50, 40_000, 200),
                new JobProfile.Task("agg sink", 20, 0, 980, 200, 0));
        assertEquals("window-aggregate", JobProfile.bottleneck(tasks).name(),
                "the source is back-pressured by the window operator, which is busy and not back-pressured");
        assertEquals(23.75, tasks.get(1).busyMicrosPerRecord(), 1e-9, "950 ms busy per second over 40,000 records");
        assertTrue(Double.isNaN(tasks.get(0).busyMicrosPerRecord()), "a source's records come from outside");
    }

    @Test
    void anIdleJobHasNoBottleneck() {
        assertNull(JobProfile.bottleneck(List.of(new JobProfile.Task("Source", 30, 0, 970, 0, 100),
                new JobProfile.Task("window", 60, 0, 940, 100, 1))));
    }
}
