package io.platform.processing.sources;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The platform jobs' Kafka source: readers that report to their task's {@link SourceProgress} whether they drained
 * what was fetched (the watermarks' idleness needs it), and, with AIMD settings, fetch at a rate that follows the
 * downstream ({@link RateControlledReader}). Splits, enumerator and checkpoints are the wrapped source's, unchanged,
 * so a job's state is compatible with or without it.
 */
public final class RateControlledSource<T, S extends SourceSplit, E> implements Source<T, S, E>, ResultTypeQueryable<T> {
    private final Source<T, S, E> delegate;
    private final AimdRate.Settings settings;

    private RateControlledSource(Source<T, S, E> delegate, AimdRate.Settings settings) {
        this.delegate = delegate;
        this.settings = settings;
    }

    /** {@code source} with progress reports, and with AIMD rate control when {@code settings} is not null. */
    public static <T, S extends SourceSplit, E> Source<T, S, E> of(Source<T, S, E> source, AimdRate.Settings settings) {
        return new RateControlledSource<>(source, settings);
    }

    @Override
    public Boundedness getBoundedness() {
        return delegate.getBoundedness();
    }

    @Override
    public SourceReader<T, S> createReader(SourceReaderContext context) throws Exception {
        SourceReader<T, S> reporting = new ProgressReportingReader<>(delegate.createReader(context));
        return settings == null ? reporting : new RateControlledReader<>(reporting, new AimdRate(settings), context.metricGroup());
    }

    @Override
    public SplitEnumerator<S, E> createEnumerator(SplitEnumeratorContext<S> context) throws Exception {
        return delegate.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<S, E> restoreEnumerator(SplitEnumeratorContext<S> context, E checkpoint) throws Exception {
        return delegate.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<S> getSplitSerializer() {
        return delegate.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<E> getEnumeratorCheckpointSerializer() {
        return delegate.getEnumeratorCheckpointSerializer();
    }

    @Override
    @SuppressWarnings("unchecked")
    public TypeInformation<T> getProducedType() {
        return ((ResultTypeQueryable<T>) delegate).getProducedType();
    }
}
