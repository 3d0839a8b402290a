package io.platform.processing.aggregation;

import io.platform.processing.sources.SourceProgress;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The watermarks of the platform's Kafka sources: bounded out-of-orderness per split, and idleness that waits for the
 * subtask to have handed out what it fetched and read up to the present ({@link IdleAwareWatermarks},
 * {@link SourceProgress}). The timestamp assigner it makes reads each record's Kafka timestamp on the way, which is how
 * the splits' generators learn whether the subtask is reading backlog; so it is built in here rather than added with
 * {@code withTimestampAssigner}, which would replace it. For a source made by
 * {@link io.platform.processing.sources.RateControlledSource}, whose readers report whether they drained.
 */
public final class IdleAwareWatermarkStrategy<T> implements WatermarkStrategy<T> {
    private static final long serialVersionUID = 1L;
    private final SerializableTimestampAssigner<T> eventTime;
    private final Duration outOfOrderness;
    private final Duration idleness;

    /** @param eventTime an event's time in epoch milliseconds; its second argument is the record's Kafka timestamp */
    public IdleAwareWatermarkStrategy(SerializableTimestampAssigner<T> eventTime, Duration outOfOrderness, Duration idleness) {
        this.eventTime = eventTime;
        this.outOfOrderness = outOfOrderness;
        this.idleness = idleness;
    }

    @Override
    public TimestampAssigner<T> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        // made on the source task's thread, which then calls it for every record
        SourceProgress progress = SourceProgress.ofThisTask();
        long idlenessMs = idleness.toMillis();
        return (event, kafkaTimestamp) -> {
            progress.onRecord(kafkaTimestamp, System.currentTimeMillis(), idlenessMs);
            return eventTime.extractTimestamp(event, kafkaTimestamp);
        };
    }

    @Override
    public WatermarkGenerator<T> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        return new IdleAwareWatermarks<>(outOfOrderness, idleness, SourceProgress.ofThisTask(), context.getInputActivityClock());
    }
}
