package io.platform.ingest.gateway;

import io.netty.buffer.ByteBuf;
import io.platform.network.FrameConnection;
import io.platform.network.FrameHandler;
import io.platform.wire.IngestFrameLayout;
import java.nio.charset.StandardCharsets;

/**
 * Serves the binary ingest protocol ({@link IngestFrameLayout}): each event frame is validated and produced, and
 * answered with an ack frame carrying the same correlation id once Kafka acknowledged it. Acks may come back out of
 * order across partitions. Runs on Netty I/O threads; never blocks.
 */
public final class BinaryIngestHandler implements FrameHandler {
    private final IngestPipeline pipeline;

    public BinaryIngestHandler(IngestPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void onFrame(FrameConnection connection, ByteBuf frame) {
        int length = frame.readableBytes();
        int base = frame.readerIndex();
        if (length < IngestFrameLayout.STREAM_OFFSET || frame.getByte(base + IngestFrameLayout.TYPE_OFFSET) != IngestFrameLayout.TYPE_EVENT) {
            long correlationId = length >= IngestFrameLayout.SEND_TIME_OFFSET ? frame.getLong(base + IngestFrameLayout.CORRELATION_ID_OFFSET) : -1;
            ack(connection, correlationId, new IngestOutcome(IngestOutcome.Status.REJECTED,
                    "malformed frame: " + length + " bytes, expected an event frame (type 1) of at least " + IngestFrameLayout.STREAM_OFFSET));
            return;
        }
        long correlationId = frame.getLong(base + IngestFrameLayout.CORRELATION_ID_OFFSET);
        long sendTimeNs = frame.getLong(base + IngestFrameLayout.SEND_TIME_OFFSET);
        int streamLength = frame.getUnsignedByte(base + IngestFrameLayout.STREAM_LENGTH_OFFSET);
        int valueOffset = IngestFrameLayout.STREAM_OFFSET + streamLength;
        if (streamLength == 0 || valueOffset > length) {
            ack(connection, correlationId, new IngestOutcome(IngestOutcome.Status.REJECTED, "malformed frame: stream name length " + streamLength
                    + " does not fit a frame of " + length + " bytes"));
            return;
        }
        String stream = frame.toString(base + IngestFrameLayout.STREAM_OFFSET, streamLength, StandardCharsets.UTF_8);
        byte[] value = new byte[length - valueOffset];
        frame.getBytes(base + valueOffset, value);
        pipeline.ingestWire(stream, value, 0, value.length, sendTimeNs)
                .whenComplete((outcome, error) -> ack(connection, correlationId,
                        error == null ? outcome : new IngestOutcome(IngestOutcome.Status.FAILED, error.toString())));
    }

    private static void ack(FrameConnection connection, long correlationId, IngestOutcome outcome) {
        byte[] reason = outcome.reason() == null ? new byte[0] : outcome.reason().getBytes(StandardCharsets.UTF_8);
        int reasonLength = Math.min(reason.length, Short.MAX_VALUE);
        ByteBuf ack = connection.alloc().buffer(IngestFrameLayout.ACK_REASON_OFFSET + reasonLength);
        ack.writeByte(IngestFrameLayout.TYPE_ACK);
        ack.writeLong(correlationId);
        ack.writeByte(switch (outcome.status()) {
            case ACCEPTED -> IngestFrameLayout.STATUS_ACCEPTED;
            case REJECTED -> IngestFrameLayout.STATUS_REJECTED;
            case FAILED -> IngestFrameLayout.STATUS_FAILED;
        });
        ack.writeShort(reasonLength);
        ack.writeBytes(reason, 0, reasonLength);
        connection.send(ack);
    }
}
