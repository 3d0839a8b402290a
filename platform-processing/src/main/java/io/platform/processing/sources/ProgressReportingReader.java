package io.platform.processing.sources;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.InputStatus;

/** A source reader that tells its task's {@link SourceProgress} after each poll whether it has drained what was fetched. */
final class ProgressReportingReader<T, S extends SourceSplit> implements SourceReader<T, S> {
    private final SourceReader<T, S> delegate;
    private SourceProgress progress;

    ProgressReportingReader(SourceReader<T, S> delegate) {
        this.delegate = delegate;
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
        InputStatus status = delegate.pollNext(output);
        if (progress == null) {
            // looked up on the task's thread, where polls, timestamp assigners and periodic watermarks all run
            progress = SourceProgress.ofThisTask();
        }
        progress.onPoll(status != InputStatus.MORE_AVAILABLE);
        return status;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return delegate.isAvailable();
    }

    @Override
    public void start() {
        delegate.start();
    }

    @Override
    public List<S> snapshotState(long checkpointId) {
        return delegate.snapshotState(checkpointId);
    }

    @Override
    public void addSplits(List<S> splits) {
        delegate.addSplits(splits);
    }

    @Override
    public void notifyNoMoreSplits() {
        delegate.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
        delegate.handleSourceEvents(event);
    }

    @Override
    public void pauseOrResumeSplits(Collection<String> splitsToPause, Collection<String> splitsToResume) {
        delegate.pauseOrResumeSplits(splitsToPause, splitsToResume);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        delegate.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        delegate.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void close() throws Exception {
        delegate.close();
    }
}
