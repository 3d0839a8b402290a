package io.platform.wire;

import java.nio.ByteBuffer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Kafka header names the platform writes, and helpers to read the numeric ones. Thread-safe. */
public final class EventHeaders {
    /**
     * The event's times in one 16-byte header: the producer's send time in epoch nanoseconds (clock-corrected; the
     * origin of the end_to_end latency) at {@link #SEND_TIME_OFFSET}, then the event time in epoch milliseconds at
     * {@link #EVENT_TIME_OFFSET}, so consumers place an event without decoding its body. One short key rather than
     * two long ones: Kafka encodes header keys per record, and at a million records a second that shows.
     */
    public static final String TIMES = "pt";
    public static final int SEND_TIME_OFFSET = 0;
    public static final int EVENT_TIME_OFFSET = 8;
    /** Why an event was dead-lettered, in words a person can act on. */
    public static final String DLQ_REASON = "dlq.reason";
    /** The pipeline stage that refused the event: {@code decode}, {@code validate}, {@code produce}. */
    public static final String DLQ_STAGE = "dlq.stage";
    /** When the event was dead-lettered, epoch milliseconds, as decimal text. */
    public static final String DLQ_TIME_MS = "dlq.time_ms";
    /** The original content type of a dead-lettered payload, e.g. {@code application/json} or {@code application/vnd.platform.wire}. */
    public static final String DLQ_CONTENT_TYPE = "dlq.content_type";
    /** Present on a dead letter that failed again when replayed: it is parked and not replayed again. */
    public static final String DLQ_REPLAYED = "dlq.replayed";
    /** "false" on a dead letter that describes an event rather than carrying it (late events): replay skips it. */
    public static final String DLQ_REPLAYABLE = "dlq.replayable";

    private EventHeaders() {
    }

    /** The value of the {@link #TIMES} header. */
    public static byte[] times(long sendTimeNs, long eventTimeMs) {
        byte[] times = new byte[2 * Long.BYTES];
        for (int i = 0; i < Long.BYTES; i++) {
            times[SEND_TIME_OFFSET + i] = (byte) (sendTimeNs >>> (56 - 8 * i));
            times[EVENT_TIME_OFFSET + i] = (byte) (eventTimeMs >>> (56 - 8 * i));
        }
        return times;
    }

    /** Fresh record headers holding the {@link #TIMES} header, for a record about to be produced (more may be added). */
    public static RecordHeaders withTimes(long sendTimeNs, long eventTimeMs) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(TIMES, times(sendTimeNs, eventTimeMs));
        return headers;
    }

    /**
     * Reads one long of the {@link #TIMES} header.
     *
     * @param offset {@link #SEND_TIME_OFFSET} or {@link #EVENT_TIME_OFFSET}
     * @return the value, or {@code missing} when the header is absent or malformed (e.g. produced by another client)
     */
    public static long readTime(Headers headers, int offset, long missing) {
        Header header = headers.lastHeader(TIMES);
        if (header == null || header.value() == null || header.value().length != 2 * Long.BYTES) {
            return missing;
        }
        return ByteBuffer.wrap(header.value()).getLong(offset);
    }
}
