package io.platform.processing.aggregation;

/** One decoded event as the aggregation sees it. A Flink POJO: public fields, no-arg constructor; not thread-safe. */
public final class KeyedEvent {
    public String stream;
    public String series;
    public long eventTimeMs;
    public String[] fields;
    public double[] values;

    public KeyedEvent() {
    }

    /** The key of the aggregation: stream and series. */
    public String aggregationKey() {
        return stream + '\u0000' + series;
    }
}
