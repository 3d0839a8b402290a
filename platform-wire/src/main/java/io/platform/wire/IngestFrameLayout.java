package io.platform.wire;

/**
 * Byte layout of the binary ingest protocol over TCP. Every frame starts with a 4-byte big-endian length that counts
 * the bytes after it.
 *
 * <pre>
 * request  (client to gateway): length:int32 | type:int8 = 1 | correlationId:int64 | sendTimeNs:int64
 *                               | streamLength:int8 | stream:UTF-8 | value: wire format (0, schemaId:int32, Avro body)
 * response (gateway to client): length:int32 | type:int8 = 2 | correlationId:int64 | status:int8
 *                               | reasonLength:int16 | reason:UTF-8
 *
 * batch    (client to gateway): length:int32 | type:int8 = 3 | correlationId:int64 | sendTimeNs:int64
 *                               | streamLength:int8 | stream:UTF-8 | count:int32 | (valueLength:int32 | value)*count
 * batch ack (gateway to client): length:int32 | type:int8 = 4 | correlationId:int64 | accepted:int32 | rejected:int32
 *                               | failed:int32 | reasonLength:int16 | first reason:UTF-8
 * traced batch (client to gateway): as a batch with type 5 and the W3C traceparent of the client's span after the
 *                               stream: ... | stream:UTF-8 | traceparent:55 ASCII bytes | count:int32 | ...
 * </pre>
 * A batch is acknowledged once, after Kafka acknowledged every event in it; rejected events are in the dead-letter
 * topic and the ack carries the first reason. Batches amortise framing, syscalls and acks over many events.
 */
public final class IngestFrameLayout {
    public static final int LENGTH_FIELD_LENGTH = 4;
    public static final int MAX_FRAME_LENGTH = 1 << 20;

    public static final byte TYPE_EVENT = 1;
    public static final byte TYPE_ACK = 2;
    public static final byte TYPE_EVENT_BATCH = 3;
    public static final byte TYPE_BATCH_ACK = 4;
    /** A batch whose trace the client started: the gateway's span becomes its child. Acked like a batch. */
    public static final byte TYPE_TRACED_EVENT_BATCH = 5;
    /** Length of a W3C traceparent ({@code 00-<32 hex>-<16 hex>-<2 hex>}). */
    public static final int TRACEPARENT_LENGTH = 55;

    public static final int TYPE_OFFSET = 0;
    public static final int CORRELATION_ID_OFFSET = 1;
    public static final int SEND_TIME_OFFSET = 9;
    public static final int STREAM_LENGTH_OFFSET = 17;
    public static final int STREAM_OFFSET = 18;

    public static final int ACK_STATUS_OFFSET = 9;
    public static final int ACK_REASON_LENGTH_OFFSET = 10;
    public static final int ACK_REASON_OFFSET = 12;

    public static final int BATCH_ACK_ACCEPTED_OFFSET = 9;
    public static final int BATCH_ACK_REJECTED_OFFSET = 13;
    public static final int BATCH_ACK_FAILED_OFFSET = 17;
    public static final int BATCH_ACK_REASON_LENGTH_OFFSET = 21;
    public static final int BATCH_ACK_REASON_OFFSET = 23;
    /** At most this many events in one batch frame. */
    public static final int MAX_BATCH_EVENTS = 65_536;

    /** The event was validated and acknowledged by Kafka. */
    public static final byte STATUS_ACCEPTED = 0;
    /** The event was invalid; it went to the dead-letter topic; the reason says why. */
    public static final byte STATUS_REJECTED = 1;
    /** The gateway could not persist the event (Kafka unavailable); the client may retry. */
    public static final byte STATUS_FAILED = 2;

    private IngestFrameLayout() {
    }
}
