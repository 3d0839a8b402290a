package io.platform.processing.aggregation;

import io.platform.processing.sources.SourceProgress;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Bounded-out-of-orderness watermarks per Kafka partition, where a partition silent for longer than
 * {@code idleness} lets its event time advance with the clock. Flink's own {@code withIdleness} marks such a
 * partition idle, and when every partition is idle the watermark stops: on a quiet stream the last windows would then
 * stay open until new data arrives, and dashboards would never see them. The trade-off: an event arriving on a
 * partition after a long silence, with a time older than the advanced watermark, is late for its window.
 * A partition that never had an event is marked idle so it holds nothing back.
 *
 * <p>Silence counts only while the subtask is level with Kafka ({@link SourceProgress}): its reader drained what was
 * fetched at two periodic emits in a row, and it read no backlog record for the idleness timeout. Otherwise (a burst
 * being handed out, a backlog after a restart, a job fallen behind) a silent partition is one whose records are not
 * handed out yet, so it keeps holding the watermark back, and one already marked idle becomes active again. The cost:
 * a subtask that never drains (saturated for good) closes no window on a partition without events. Time is Flink's
 * input activity clock, which stops while the downstream back-pressures the source: a source that may not emit is not
 * silent. The clock is read once per periodic emit, never per event. Made by {@link IdleAwareWatermarkStrategy}; used
 * by the aggregation jobs and by submitted jobs' stream sources. Not thread-safe (one per split).
 */
public final class IdleAwareWatermarks<T> implements WatermarkGenerator<T> {
    private final long outOfOrdernessMs;
    private final long idlenessMs;
    private final SourceProgress progress;
    private final RelativeClock activity;
    private long maxTimestampMs = Long.MIN_VALUE;
    private boolean eventSinceLastEmit;
    private long lastEventMs;
    private long backlogSeen;
    private long lastBacklogMs = Long.MIN_VALUE;
    private long lastWatermarkMs = Long.MIN_VALUE;
    private int drainedEmits;
    private boolean markedIdle;

    /** @param activity the split's input activity clock (stops while back-pressured) */
    IdleAwareWatermarks(Duration outOfOrderness, Duration idleness, SourceProgress progress, RelativeClock activity) {
        this.outOfOrdernessMs = outOfOrderness.toMillis();
        this.idlenessMs = idleness.toMillis();
        this.progress = progress;
        this.activity = activity;
        this.lastEventMs = activity.relativeTimeMillis();
        this.backlogSeen = progress.backlogRecords();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        maxTimestampMs = Math.max(maxTimestampMs, eventTimestamp);
        eventSinceLastEmit = true;
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long nowMs = activity.relativeTimeMillis();
        if (eventSinceLastEmit) {
            eventSinceLastEmit = false;
            lastEventMs = nowMs;
        }
        long backlog = progress.backlogRecords();
        if (backlog != backlogSeen) {
            backlogSeen = backlog;
            lastBacklogMs = nowMs;
        }
        long silentMs = nowMs - lastEventMs;
        // two in a row: one drained poll may fall between two fetches of the same burst
        drainedEmits = progress.drained() ? drainedEmits + 1 : 0;
        boolean level = drainedEmits >= 2 && (lastBacklogMs == Long.MIN_VALUE || nowMs - lastBacklogMs >= idlenessMs);
        boolean idle = silentMs >= idlenessMs && level;
        if (maxTimestampMs == Long.MIN_VALUE) {
            if (idle && !markedIdle) {
                output.markIdle();
                markedIdle = true;
            } else if (!idle && markedIdle) {
                // the subtask reads backlog again: this partition's records may be next in line, so it holds the
                // watermark back until they come (the combined watermark never goes back, it only stops advancing)
                output.markActive();
                markedIdle = false;
            }
            return;
        }
        long watermark = maxTimestampMs - outOfOrdernessMs - 1;
        if (idle) {
            watermark += silentMs - idlenessMs;
        }
        lastWatermarkMs = Math.max(lastWatermarkMs, watermark);
        output.emitWatermark(new Watermark(lastWatermarkMs));
    }
}
