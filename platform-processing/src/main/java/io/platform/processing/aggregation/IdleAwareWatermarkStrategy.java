package io.platform.processing.aggregation;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The watermarks of the platform's Kafka sources: bounded out-of-orderness per split, and idleness that waits for the
 * subtask to have read up to the present ({@link IdleAwareWatermarks}, {@link SourceProgress}). The timestamp assigner
 * it makes reads each record's Kafka timestamp on the way, which is how the splits' generators learn whether the
 * subtask is reading backlog; so it is built in here rather than added with {@code withTimestampAssigner}, which
 * would replace it.
 *
 * <p>Each source subtask deserializes its own copy of the job's operators, this strategy included, so the one
 * {@link SourceProgress} it creates is shared by that subtask's splits and no other's.
 */
public final class IdleAwareWatermarkStrategy<T> implements WatermarkStrategy<T> {
    private static final long serialVersionUID = 1L;
    private final SerializableTimestampAssigner<T> eventTime;
    private final Duration outOfOrderness;
    private final Duration idleness;
    private transient SourceProgress progress;

    /** @param eventTime an event's time in epoch milliseconds; its second argument is the record's Kafka timestamp */
    public IdleAwareWatermarkStrategy(SerializableTimestampAssigner<T> eventTime, Duration outOfOrderness, Duration idleness) {
        this.eventTime = eventTime;
        this.outOfOrderness = outOfOrderness;
        this.idleness = idleness;
    }

    private SourceProgress progress() {
        if (progress == null) {
            progress = new SourceProgress(idleness.toMillis());
        }
        return progress;
    }

    @Override
    public TimestampAssigner<T> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        SourceProgress shared = progress();
        return (event, kafkaTimestamp) -> {
            shared.onRecord(kafkaTimestamp, System.currentTimeMillis());
            return eventTime.extractTimestamp(event, kafkaTimestamp);
        };
    }

    @Override
    public WatermarkGenerator<T> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        return new IdleAwareWatermarks<>(outOfOrderness, idleness, progress(), context.getInputActivityClock());
    }
}
