package io.platform.processing.checkpoints;

import java.time.Duration;

/**
 * Checkpoint interval and minimum pause for a target recovery point. A job restored after a failure replays what came
 * after its newest completed checkpoint; that checkpoint is at most one interval plus one checkpoint's duration old
 * (a failure just before the next one completes), so the plan picks {@code interval = rpo - duration}. The minimum
 * pause keeps the job from spending more than half its time checkpointing ({@code pause >= duration}) when checkpoints
 * run long, without stretching the plan's own cycle ({@code pause <= interval - duration}). The duration is estimated
 * as a fixed cost plus the state's size over the write bandwidth (an upper bound for incremental RocksDB checkpoints,
 * which upload only new files).
 *
 * @param interval         what {@code execution.checkpointing.interval} is set to
 * @param minPause         what {@code execution.checkpointing.min-pause} is set to
 * @param expectedDuration the estimated duration of one checkpoint
 * @param meetsRpo         false when even back-to-back checkpoints cannot keep the recovery point within the target
 */
public record CheckpointPlan(Duration interval, Duration minPause, Duration expectedDuration, boolean meetsRpo) {
    /** Barriers, the metadata file and the acknowledgements: measured ~100-200 ms for a small job here. */
    static final Duration FIXED_COST = Duration.ofMillis(200);
    /** Checkpoints closer together than this only add overhead. */
    static final Duration SHORTEST_INTERVAL = Duration.ofSeconds(1);

    public static CheckpointPlan forRpo(Duration rpo, long stateBytes, long writeBytesPerSecond) {
        if (rpo.isNegative() || rpo.isZero() || stateBytes < 0 || writeBytesPerSecond <= 0) {
            throw new IllegalArgumentException("need a positive RPO and write bandwidth and a state size of 0 or more, got rpo=" + rpo
                    + " stateBytes=" + stateBytes + " writeBytesPerSecond=" + writeBytesPerSecond);
        }
        Duration duration = FIXED_COST.plusMillis((long) Math.ceil(stateBytes * 1000.0 / writeBytesPerSecond));
        Duration interval = rpo.minus(duration);
        boolean meets = interval.compareTo(duration) >= 0 && interval.compareTo(SHORTEST_INTERVAL) >= 0;
        if (!meets) {
            // the best that can be done: checkpoint as often as is still sensible, and say the target is missed
            interval = duration.compareTo(SHORTEST_INTERVAL) > 0 ? duration : SHORTEST_INTERVAL;
            return new CheckpointPlan(interval, Duration.ZERO, duration, false);
        }
        Duration pause = interval.minus(duration);
        return new CheckpointPlan(interval, duration.compareTo(pause) < 0 ? duration : pause, duration, true);
    }

    /** The newest completed checkpoint's greatest age under this plan, when checkpoints take their expected time. */
    public Duration worstRecoveryPoint() {
        return interval.plus(expectedDuration);
    }

    /** One line for the log: the plan and why. */
    public String describe(Duration rpo, long stateBytes, long writeBytesPerSecond) {
        String inputs = String.format("rpo=%s, state ~%d MiB, checkpoint writes at ~%d MiB/s -> one checkpoint ~%d ms", rpo,
                stateBytes >> 20, writeBytesPerSecond >> 20, expectedDuration.toMillis());
        if (!meetsRpo) {
            return inputs + "; the RPO cannot be met: checkpointing every " + interval.toMillis() + " ms keeps the recovery point within "
                    + worstRecoveryPoint().toMillis() + " ms. Raise flink.checkpoint.rpo to at least "
                    + Math.max(2 * expectedDuration.toMillis(), SHORTEST_INTERVAL.plus(expectedDuration).toMillis())
                    + "ms or lower flink.checkpoint.state-size (state held per job)";
        }
        return inputs + "; interval " + interval.toMillis() + " ms, min pause " + minPause.toMillis() + " ms (recovery point within "
                + worstRecoveryPoint().toMillis() + " ms)";
    }
}
