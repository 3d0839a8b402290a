package io.platform.wire;

import java.util.regex.Pattern;

/** Builds and parses every topic name the platform uses; the only place those names are spelled out. Thread-safe. */
public final class TopicNames {
    public static final String SCHEMAS = "_schemas";
    public static final String INGEST_PREFIX = "ingest.";
    public static final String DLQ_PREFIX = "dlq.";
    public static final String AGG_PREFIX = "agg.";
    public static final Pattern INGEST_TOPICS = Pattern.compile("ingest\\.[A-Za-z0-9_\\-]+");
    public static final Pattern AGG_TOPICS = Pattern.compile("agg\\.[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+");
    private static final Pattern STREAM_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_\\-]{0,99}");

    private TopicNames() {
    }

    public static String ingest(String stream) {
        return INGEST_PREFIX + stream;
    }

    public static String deadLetter(String stream) {
        return DLQ_PREFIX + stream;
    }

    public static String aggregate(String stream, String view) {
        return AGG_PREFIX + stream + "." + view;
    }

    /** The stream an {@code ingest.<stream>} or {@code agg.<stream>.<view>} topic belongs to. */
    public static String streamOf(String topic) {
        if (topic.startsWith(INGEST_PREFIX)) {
            return topic.substring(INGEST_PREFIX.length());
        }
        if (topic.startsWith(AGG_PREFIX)) {
            String rest = topic.substring(AGG_PREFIX.length());
            int dot = rest.lastIndexOf('.');
            return dot < 0 ? rest : rest.substring(0, dot);
        }
        if (topic.startsWith(DLQ_PREFIX)) {
            return topic.substring(DLQ_PREFIX.length());
        }
        throw new IllegalArgumentException("not a platform stream topic: " + topic);
    }

    /** The view of an {@code agg.<stream>.<view>} topic. */
    public static String viewOf(String aggregateTopic) {
        return aggregateTopic.substring(aggregateTopic.lastIndexOf('.') + 1);
    }

    /**
     * @return null when {@code stream} is a valid stream name, else the reason it is not
     */
    public static String streamNameError(String stream) {
        if (stream == null || !STREAM_NAME.matcher(stream).matches()) {
            return "invalid stream name '" + stream + "': use a letter then letters, digits, '_' or '-' (at most 100)";
        }
        return null;
    }
}
