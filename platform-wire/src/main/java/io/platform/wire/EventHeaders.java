package io.platform.wire;

import java.nio.ByteBuffer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Kafka header names the platform writes, and helpers to read the numeric ones. Thread-safe. */
public final class EventHeaders {
    /** The producer's send time, epoch nanoseconds, clock-corrected; the origin of the end_to_end latency. */
    public static final String SEND_TIME_NS = "platform.send_time_ns";
    /** The event time, epoch milliseconds, so consumers can place an event without decoding its body. */
    public static final String EVENT_TIME_MS = "platform.event_time_ms";
    /** Why an event was dead-lettered, in words a person can act on. */
    public static final String DLQ_REASON = "dlq.reason";
    /** The pipeline stage that refused the event: {@code decode}, {@code validate}, {@code produce}. */
    public static final String DLQ_STAGE = "dlq.stage";
    /** When the event was dead-lettered, epoch milliseconds, as decimal text. */
    public static final String DLQ_TIME_MS = "dlq.time_ms";
    /** The original content type of a dead-lettered payload, e.g. {@code application/json} or {@code application/vnd.platform.wire}. */
    public static final String DLQ_CONTENT_TYPE = "dlq.content_type";

    private EventHeaders() {
    }

    public static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(0, value).array();
    }

    /** The long value of a header written by {@link #longBytes}, or {@code missing} when absent or malformed. */
    public static long readLong(Headers headers, String name, long missing) {
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null || header.value().length != Long.BYTES) {
            return missing;
        }
        return ByteBuffer.wrap(header.value()).getLong();
    }
}
