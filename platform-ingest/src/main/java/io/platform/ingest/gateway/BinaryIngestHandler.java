package io.platform.ingest.gateway;

import io.netty.buffer.ByteBuf;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.platform.network.FrameConnection;
import io.platform.observability.tracing.Tracing;
import io.platform.network.FrameHandler;
import io.platform.wire.IngestFrameLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the binary ingest protocol ({@link IngestFrameLayout}): each event frame is validated and produced, and
 * answered with an ack frame carrying the same correlation id once Kafka acknowledged it. Acks may come back out of
 * order across partitions. Batch frames carry many events and get one ack. Runs on Netty I/O threads; never blocks.
 */
public final class BinaryIngestHandler implements FrameHandler {
    private final IngestPipeline pipeline;
    private final InFlightBudget budget;
    private final IngestAccess access;

    public BinaryIngestHandler(IngestPipeline pipeline, InFlightBudget budget) {
        this(pipeline, budget, IngestAccess.OPEN);
    }

    /** A handler that refuses, whole, every frame whose peer {@code access} does not let ingest into the frame's stream. */
    public BinaryIngestHandler(IngestPipeline pipeline, InFlightBudget budget, IngestAccess access) {
        this.pipeline = pipeline;
        this.budget = budget;
        this.access = access;
    }

    @Override
    public void onClose(FrameConnection connection) {
        budget.forget(connection);
    }

    @Override
    public void onFrame(FrameConnection connection, ByteBuf frame) {
        int length = frame.readableBytes();
        int base = frame.readerIndex();
        byte type = length > IngestFrameLayout.STREAM_OFFSET ? frame.getByte(base + IngestFrameLayout.TYPE_OFFSET) : 0;
        if (type == IngestFrameLayout.TYPE_EVENT_BATCH || type == IngestFrameLayout.TYPE_TRACED_EVENT_BATCH) {
            onBatch(connection, frame, base, length, type == IngestFrameLayout.TYPE_TRACED_EVENT_BATCH);
            return;
        }
        if (length < IngestFrameLayout.STREAM_OFFSET
                || frame.getByte(base + IngestFrameLayout.TYPE_OFFSET) != IngestFrameLayout.TYPE_EVENT) {
            long correlationId = length >= IngestFrameLayout.SEND_TIME_OFFSET
                    ? frame.getLong(base + IngestFrameLayout.CORRELATION_ID_OFFSET) : -1;
            ack(connection, correlationId, new IngestOutcome(IngestOutcome.Status.REJECTED,
                    "malformed frame: " + length + " bytes, expected an event frame (type 1) of at least "
                    + IngestFrameLayout.STREAM_OFFSET));
            return;
        }
        long correlationId = frame.getLong(base + IngestFrameLayout.CORRELATION_ID_OFFSET);
        long sendTimeNs = frame.getLong(base + IngestFrameLayout.SEND_TIME_OFFSET);
        int streamLength = frame.getUnsignedByte(base + IngestFrameLayout.STREAM_LENGTH_OFFSET);
        int valueOffset = IngestFrameLayout.STREAM_OFFSET + streamLength;
        if (streamLength == 0 || valueOffset > length) {
            ack(connection, correlationId,
                    new IngestOutcome(IngestOutcome.Status.REJECTED, "malformed frame: stream name length " + streamLength
                    + " does not fit a frame of " + length + " bytes"));
            return;
        }
        String stream = frame.toString(base + IngestFrameLayout.STREAM_OFFSET, streamLength, StandardCharsets.UTF_8);
        String refusal = access.refusal(connection.principal(), stream);
        if (refusal != null) {
            // refused before anything is produced or dead-lettered: a refused request stores nothing
            ack(connection, correlationId, new IngestOutcome(IngestOutcome.Status.REJECTED, refusal));
            return;
        }
        pipeline.recordTransport(sendTimeNs);
        byte[] value = new byte[length - valueOffset];
        frame.getBytes(base + valueOffset, value);
        budget.acquire(1, connection);
        pipeline.ingestWire(stream, value, 0, value.length, sendTimeNs, outcome -> {
            budget.release(1);
            ack(connection, correlationId, outcome);
        });
    }

    private void onBatch(FrameConnection connection, ByteBuf frame, int base, int length, boolean traced) {
        long correlationId = frame.getLong(base + IngestFrameLayout.CORRELATION_ID_OFFSET);
        long sendTimeNs = frame.getLong(base + IngestFrameLayout.SEND_TIME_OFFSET);
        int streamLength = frame.getUnsignedByte(base + IngestFrameLayout.STREAM_LENGTH_OFFSET);
        int traceOffset = IngestFrameLayout.STREAM_OFFSET + streamLength;
        int countOffset = traceOffset + (traced ? IngestFrameLayout.TRACEPARENT_LENGTH : 0);
        if (streamLength == 0 || countOffset + 4 > length) {
            new BatchAck(connection, correlationId, 0, null, null).malformed("malformed batch frame: no room for stream name"
                    + (traced ? ", traceparent" : "") + " and count in " + length + " bytes");
            return;
        }
        String stream = frame.toString(base + IngestFrameLayout.STREAM_OFFSET, streamLength, StandardCharsets.UTF_8);
        int count = frame.getInt(base + countOffset);
        String refusal = access.refusal(connection.principal(), stream);
        if (refusal != null) {
            new BatchAck(connection, correlationId, Math.max(count, 1), null, null).malformed(refusal);
            return;
        }
        if (count <= 0 || count > IngestFrameLayout.MAX_BATCH_EVENTS) {
            new BatchAck(connection, correlationId, 0, null, null)
                    .malformed("malformed batch frame: count " + count + " not in 1.." + IngestFrameLayout.MAX_BATCH_EVENTS);
            return;
        }
        // check every length before producing anything, so a corrupt batch is refused whole, not half-ingested
        int position = countOffset + 4;
        for (int i = 0; i < count; i++) {
            int valueLength = position + 4 <= length ? frame.getInt(base + position) : -1;
            if (valueLength < 0 || position + 4 + valueLength > length) {
                new BatchAck(connection, correlationId, count, null, null).malformed("malformed batch frame: event " + i + " of " + count
                        + " overruns the frame of " + length + " bytes");
                return;
            }
            position += 4 + valueLength;
        }
        pipeline.recordTransport(sendTimeNs);
        budget.acquire(count, connection);
        SpanBuilder builder = Tracing.global().tracer().spanBuilder("ingest.tcp.batch")
                .setAttribute(Tracing.STREAM, stream).setAttribute(Tracing.EVENTS, (long) count);
        if (traced) {
            byte[] clientTrace = new byte[IngestFrameLayout.TRACEPARENT_LENGTH];
            frame.getBytes(base + traceOffset, clientTrace);
            SpanContext parent = Tracing.parentOf(clientTrace);
            if (parent != null) {
                // a malformed traceparent only loses the link; the events are ingested all the same
                builder.setParent(Tracing.contextOf(parent));
            }
        }
        Span span = builder.startSpan();
        byte[] traceparent = Tracing.traceparent(span);
        BatchAck ack = new BatchAck(connection, correlationId, count, budget, span);
        IngestPipeline.WireBatch lookups = pipeline.new WireBatch(stream);
        // the events out of Netty's buffer in one copy; each is then read in place (and copied once more only into
        // its own record, or into the packed record of its partition)
        int eventsStart = countOffset + 4;
        byte[] events = new byte[length - eventsStart];
        frame.getBytes(base + eventsStart, events);
        position = 0;
        for (int i = 0; i < count; i++) {
            int valueLength = frame.getInt(base + eventsStart + position);
            pipeline.ingestWire(lookups, events, position + 4, valueLength, sendTimeNs, traceparent, ack);
            position += 4 + valueLength;
        }
        lookups.finish();
    }

    /** Counts the outcomes of one batch and answers once the last event's outcome is known. Thread-safe. */
    private static final class BatchAck implements IngestPipeline.OutcomeListener {
        private final FrameConnection connection;
        private final long correlationId;
        private final int count;
        private final InFlightBudget budget;
        private final Span span;
        private final AtomicInteger remaining;
        private final AtomicInteger accepted = new AtomicInteger();
        private final AtomicInteger rejected = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private volatile String firstReason;

        BatchAck(FrameConnection connection, long correlationId, int count, InFlightBudget budget, Span span) {
            this.connection = connection;
            this.correlationId = correlationId;
            this.count = count;
            this.budget = budget;
            this.span = span;
            this.remaining = new AtomicInteger(count);
        }

        void malformed(String reason) {
            rejected.set(Math.max(remaining.get(), 1));
            firstReason = reason;
            send();
        }

        @Override
        public void onOutcome(IngestOutcome outcome) {
            onOutcomes(outcome, 1);
        }

        @Override
        public void onOutcomes(IngestOutcome outcome, int events) {
            switch (outcome.status()) {
                case ACCEPTED -> accepted.addAndGet(events);
                case REJECTED -> rejected.addAndGet(events);
                case FAILED -> failed.addAndGet(events);
            }
            if (outcome.reason() != null && firstReason == null) {
                firstReason = outcome.reason();
            }
            if (remaining.addAndGet(-events) == 0) {
                if (budget != null) {
                    budget.release(count);
                }
                if (span != null) {
                    span.end();
                }
                send();
            }
        }

        private void send() {
            String reasonText = firstReason;
            byte[] reason = reasonText == null ? new byte[0] : reasonText.getBytes(StandardCharsets.UTF_8);
            int reasonLength = Math.min(reason.length, Short.MAX_VALUE);
            ByteBuf ack = connection.alloc().buffer(IngestFrameLayout.BATCH_ACK_REASON_OFFSET + reasonLength);
            ack.writeByte(IngestFrameLayout.TYPE_BATCH_ACK);
            ack.writeLong(correlationId);
            ack.writeInt(accepted.get());
            ack.writeInt(rejected.get());
            ack.writeInt(failed.get());
            ack.writeShort(reasonLength);
            ack.writeBytes(reason, 0, reasonLength);
            connection.send(ack);
        }
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
