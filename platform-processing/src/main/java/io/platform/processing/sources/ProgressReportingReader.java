package io.platform.processing.sources;

import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.InputStatus;

/** A source reader that tells its task's {@link SourceProgress} after each poll whether it has drained what was fetched. */
final class ProgressReportingReader<T, S extends SourceSplit> extends ForwardingSourceReader<T, S> {
    private SourceProgress progress;

    ProgressReportingReader(SourceReader<T, S> delegate) {
        super(delegate);
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
}
