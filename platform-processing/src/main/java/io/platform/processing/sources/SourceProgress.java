package io.platform.processing.sources;

/**
 * What one source subtask is doing, shared by its reader and the watermark generators of its splits: whether it has
 * handed out everything fetched so far ({@link #drained}), and how many backlog records it read (a record is backlog
 * when its Kafka timestamp, when it was produced, is older than the idleness timeout). A split that is silent while
 * its subtask is not drained, or reads backlog, is not idle, only not handed out yet: the Kafka consumer gives out
 * one partition's buffered records before the next one's, so during a burst or after a restart a partition can stay
 * silent while its records wait right behind another's. Marking it idle then let the other partition's watermark
 * close windows its waiting records belonged to: NodeCrashTest lost 80 of a window's 1,000 events to this once, and a
 * packed record (one partition's events over several seconds) made it certain.
 *
 * <p>One per source task thread: the task's thread runs the reader ({@link RateControlledSource}'s readers report
 * here), the timestamp assigner and the periodic watermarks, so a thread-local ties them without Flink plumbing. A
 * record without a timestamp is never backlog; a producer whose clock runs behind, or one that stamps records with
 * their event time, makes records look like backlog, which keeps windows open longer but never loses events.
 */
public final class SourceProgress {
    private static final ThreadLocal<SourceProgress> OF_TASK_THREAD = ThreadLocal.withInitial(SourceProgress::new);

    private long backlogRecords;
    private boolean drained = true;

    /** The progress of the source task running on this thread. */
    public static SourceProgress ofThisTask() {
        return OF_TASK_THREAD.get();
    }

    /** A record read at wall time {@code nowMs}, produced at {@code logTimeMs} (its Kafka timestamp; negative if none). */
    public void onRecord(long logTimeMs, long nowMs, long idlenessMs) {
        if (logTimeMs >= 0 && nowMs - logTimeMs > idlenessMs) {
            backlogRecords++;
        }
    }

    /** The reader's last poll: {@code drained} when it had nothing more to hand out. */
    public void onPoll(boolean drained) {
        this.drained = drained;
    }

    /** Backlog records read so far: a generator that sees it change knows the subtask read backlog since it looked. */
    public long backlogRecords() {
        return backlogRecords;
    }

    /** True when the reader's last poll found nothing more to hand out (and before its first poll). */
    public boolean drained() {
        return drained;
    }
}
