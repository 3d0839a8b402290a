package io.platform.processing.aggregation;

/**
 * What one source subtask has read, shared by the watermark generators of its splits: how many backlog records. A
 * record is backlog when its Kafka timestamp (when it was produced) is older than the idleness timeout. While a subtask
 * reads backlog, a silent split of it is not idle, only not handed out yet: after a restart the Kafka consumer gives
 * out one partition's buffered records before the next one's, so a partition can stay silent for seconds while its
 * records wait right behind another's. Marking it idle then let the other partition's watermark close windows its
 * waiting records belonged to (they went to the late-events dead letters: NodeCrashTest lost 80 of a window's 1,000
 * events to this once).
 *
 * <p>A record without a timestamp (older message formats) is never backlog; a producer whose clock runs behind, or one
 * that stamps records with their event time, makes records look like backlog, which keeps windows open longer but
 * never loses events. Used by the subtask's thread only (records and periodic watermarks both run there).
 */
final class SourceProgress {
    private final long idlenessMs;
    private long backlogRecords;

    SourceProgress(long idlenessMs) {
        this.idlenessMs = idlenessMs;
    }

    /** A record read at wall time {@code nowMs}, produced at {@code logTimeMs} (its Kafka timestamp; negative if none). */
    void onRecord(long logTimeMs, long nowMs) {
        if (logTimeMs >= 0 && nowMs - logTimeMs > idlenessMs) {
            backlogRecords++;
        }
    }

    /** Backlog records read so far: a generator that sees it change knows the subtask read backlog since it looked. */
    long backlogRecords() {
        return backlogRecords;
    }
}
