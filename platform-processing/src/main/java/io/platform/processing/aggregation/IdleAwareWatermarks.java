package io.platform.processing.aggregation;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded-out-of-orderness watermarks per Kafka partition, where a partition silent for longer than
 * {@code idleness} lets its event time advance with the wall clock. Flink's own {@code withIdleness} marks such a
 * partition idle, and when every partition is idle the watermark stops: on a quiet stream the last windows would then
 * stay open until new data arrives, and dashboards would never see them. The trade-off: an event arriving on a
 * partition after a long silence, with a time older than the advanced watermark, is late for its window.
 * A partition that never had an event is marked idle so it holds nothing back. Used by the aggregation jobs and by
 * submitted jobs' stream sources. Not thread-safe (one per split).
 */
public final class IdleAwareWatermarks<T> implements WatermarkGenerator<T> {
    private final long outOfOrdernessMs;
    private final long idlenessMs;
    private long maxTimestampMs = Long.MIN_VALUE;
    private long lastEventWallMs = System.currentTimeMillis();
    private long lastWatermarkMs = Long.MIN_VALUE;

    public IdleAwareWatermarks(Duration outOfOrderness, Duration idleness) {
        this.outOfOrdernessMs = outOfOrderness.toMillis();
        this.idlenessMs = idleness.toMillis();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        maxTimestampMs = Math.max(maxTimestampMs, eventTimestamp);
        lastEventWallMs = System.currentTimeMillis();
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long silentMs = System.currentTimeMillis() - lastEventWallMs;
        if (maxTimestampMs == Long.MIN_VALUE) {
            if (silentMs >= idlenessMs) {
                output.markIdle();
            }
            return;
        }
        long watermark = maxTimestampMs - outOfOrdernessMs - 1;
        if (silentMs >= idlenessMs) {
            watermark += silentMs - idlenessMs;
        }
        lastWatermarkMs = Math.max(lastWatermarkMs, watermark);
        output.emitWatermark(new Watermark(lastWatermarkMs));
    }
}
