package io.platform.ingest.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.platform.ingest.dlq.DeadLetterPublisher;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import io.platform.observability.StageLatency;
import io.platform.observability.tracing.Tracing;
import io.platform.wire.EpochClock;
import io.platform.wire.EventHeaders;
import io.platform.wire.TopicNames;
import io.platform.wire.WireFormat;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The path every event takes whatever its transport: validate against the stream's schema, produce valid events to
 * {@code ingest.<stream>} keyed by series, dead-letter invalid ones with the reason. The returned future completes
 * once Kafka acknowledged the event (or its dead letter): that is when a client may be told "accepted".
 * Thread-safe.
 */
public final class IngestPipeline {
    public static final String JSON_CONTENT = "application/json";
    public static final String WIRE_CONTENT = "application/vnd.platform.wire";

    private final SchemaCatalog catalog;
    private final Producer<byte[], byte[]> producer;
    private final DeadLetterPublisher deadLetters;
    private final AvroCodec codec = new AvroCodec();
    private final Map<Integer, WireRecordScanner> scanners = new ConcurrentHashMap<>();
    private final StageLatency validateLatency = LatencyMetrics.global().stage(Stage.VALIDATE);
    private final StageLatency produceAckLatency = LatencyMetrics.global().stage(Stage.PRODUCE_ACK);
    private final StageLatency transportLatency = LatencyMetrics.global().stage(Stage.TRANSPORT);
    private final Counter acceptedEvents = LatencyMetrics.global().registry().counter("platform.ingest.events", "outcome", "accepted");
    private final Counter rejectedEvents = LatencyMetrics.global().registry().counter("platform.ingest.events", "outcome", "rejected");
    private final Counter failedEvents = LatencyMetrics.global().registry().counter("platform.ingest.events", "outcome", "failed");

    public IngestPipeline(SchemaCatalog catalog, Producer<byte[], byte[]> producer) {
        this(catalog, producer, new DeadLetterPublisher(producer));
    }

    /** A pipeline whose refused events go through {@code deadLetters} (e.g. marked as failed replays). */
    public IngestPipeline(SchemaCatalog catalog, Producer<byte[], byte[]> producer, DeadLetterPublisher deadLetters) {
        this.catalog = catalog;
        this.producer = producer;
        this.deadLetters = deadLetters;
    }

    public SchemaCatalog catalog() {
        return catalog;
    }

    /** Ingests one JSON event (already parsed) for a known stream. */
    public CompletableFuture<IngestOutcome> ingestJson(StreamSchema schema, JsonNode json, byte[] originalBytes, long sendTimeNs) {
        return ingestJson(schema, json, originalBytes, sendTimeNs, null);
    }

    /** As above, carrying the batch's trace context ({@code traceparent}, null when unsampled) in the record headers. */
    public CompletableFuture<IngestOutcome> ingestJson(StreamSchema schema, JsonNode json, byte[] originalBytes, long sendTimeNs,
                                                       byte[] traceparent) {
        long start = System.nanoTime();
        GenericRecord record;
        try {
            record = JsonRecordDecoder.decode(json, schema.schema());
        } catch (InvalidEventException e) {
            return reject(schema.stream(), originalBytes, e.getMessage(), DeadLetterPublisher.STAGE_VALIDATE, JSON_CONTENT);
        }
        byte[] value = schema.protobuf() != null ? schema.protobuf().encode(record) : codec.encode(schema, record);
        long validated = System.nanoTime();
        validateLatency.recordNanos(validated - start);
        CompletableFuture<IngestOutcome> done = new CompletableFuture<>();
        produce(schema, schema.seriesKey(record).getBytes(StandardCharsets.UTF_8), schema.eventTimeMs(record), value, sendTimeNs,
                traceparent, done::complete, validated);
        return done;
    }

    /** Records the transport stage of a frame (one per frame, not per event of a batch); 0 means "not stamped". */
    public void recordTransport(long sendTimeNs) {
        if (sendTimeNs > 0) {
            transportLatency.recordNanos(EpochClock.nowNs() - sendTimeNs);
        }
    }

    /** Dead-letters bytes that are not even JSON. */
    public CompletableFuture<IngestOutcome> rejectUnparseable(String stream, byte[] originalBytes, String reason) {
        return reject(stream, originalBytes, reason, DeadLetterPublisher.STAGE_DECODE, JSON_CONTENT);
    }

    /** Receives the outcome of one event on a Kafka or I/O thread; must not block. */
    public interface OutcomeListener {
        void onOutcome(IngestOutcome outcome);
    }

    /**
     * Ingests one event already in the wire format, e.g. from a binary TCP frame.
     *
     * @param bytes the buffer holding the wire-format value at {@code offset}, {@code length} bytes
     */
    public CompletableFuture<IngestOutcome> ingestWire(String stream, byte[] bytes, int offset, int length, long sendTimeNs) {
        CompletableFuture<IngestOutcome> done = new CompletableFuture<>();
        ingestWire(stream, bytes, offset, length, sendTimeNs, done::complete);
        return done;
    }

    /**
     * As {@link #ingestWire(String, byte[], int, int, long)}, reporting to a listener: no future per event, which
     * matters on the batch path where one frame carries thousands of events.
     */
    public void ingestWire(String stream, byte[] bytes, int offset, int length, long sendTimeNs, OutcomeListener listener) {
        ingestWire(stream, bytes, offset, length, sendTimeNs, null, listener);
    }

    /** As above, carrying the batch's trace context ({@code traceparent}, null when unsampled) in the record headers. */
    public void ingestWire(String stream, byte[] bytes, int offset, int length, long sendTimeNs, byte[] traceparent,
                           OutcomeListener listener) {
        ingestWire(new WireBatch(stream), bytes, offset, length, sendTimeNs, traceparent, listener);
    }

    /**
     * The lookups every event of one frame shares, done once per frame instead of once per event: the stream's latest
     * schema, and the schema and validator of the last schema id seen (a batch nearly always uses one). One per frame,
     * used on one thread.
     */
    public final class WireBatch {
        private final String stream;
        private final StreamSchema latest;
        private int schemaId = -1;
        private StreamSchema schema;
        private WireRecordScanner scanner;
        // the thread's scan scratch, looked up once per frame instead of once per event: a frame is ingested on the thread
        // that makes its WireBatch
        private final WireRecordScanner.Scan scratch = WireRecordScanner.threadScratch();

        public WireBatch(String stream) {
            this.stream = stream;
            this.latest = catalog.latest(stream);
        }

        /** Resolves {@code id}; false when it is not a schema of this stream. */
        private boolean use(int id) {
            if (id != schemaId) {
                StreamSchema resolved = catalog.byId(id);
                if (resolved == null || !resolved.stream().equals(stream)) {
                    return false;
                }
                schemaId = id;
                schema = resolved;
                // a Protobuf body is validated by decoding it (the codec is the schema's); Avro by a scan without a record
                scanner = resolved.protobuf() != null ? null : scanners.computeIfAbsent(id, ignored -> new WireRecordScanner(resolved));
            }
            return true;
        }
    }

    /** Ingests one wire-format event of a frame whose lookups {@code batch} holds. */
    public void ingestWire(WireBatch batch, byte[] bytes, int offset, int length, long sendTimeNs, byte[] traceparent,
                           OutcomeListener listener) {
        long start = System.nanoTime();
        String stream = batch.stream;
        if (batch.latest == null) {
            listener.onOutcome(IngestOutcome.rejected(unknownStream(stream)));
            return;
        }
        String framing = WireFormat.framingError(bytes, offset, length);
        if (framing != null) {
            reject(stream, copy(bytes, offset, length), framing, DeadLetterPublisher.STAGE_DECODE, WIRE_CONTENT).thenAccept(listener::onOutcome);
            return;
        }
        int schemaId = WireFormat.schemaId(bytes, offset);
        if (!batch.use(schemaId)) {
            reject(stream, copy(bytes, offset, length), "schema id=" + schemaId + " is not a registered schema of stream=" + stream
                    + " (latest id=" + batch.latest.id() + ")", DeadLetterPublisher.STAGE_VALIDATE, WIRE_CONTENT).thenAccept(listener::onOutcome);
            return;
        }
        byte[] seriesKey;
        long eventTimeMs;
        if (batch.scanner == null) {
            GenericRecord record;
            try {
                record = batch.schema.protobuf().decode(bytes, offset, length);
            } catch (java.io.IOException e) {
                reject(stream, copy(bytes, offset, length), "Protobuf body is not a record of the schema: " + e.getMessage()
                        + " (stream=" + stream + " schema id=" + schemaId + ")", DeadLetterPublisher.STAGE_VALIDATE, WIRE_CONTENT)
                        .thenAccept(listener::onOutcome);
                return;
            }
            seriesKey = batch.schema.seriesKey(record).getBytes(StandardCharsets.UTF_8);
            eventTimeMs = batch.schema.eventTimeMs(record);
        } else {
            WireRecordScanner.Scan scan;
            try {
                scan = batch.scanner.scan(bytes, offset + WireFormat.BODY_OFFSET, length - WireFormat.BODY_OFFSET, batch.scratch);
            } catch (InvalidEventException e) {
                reject(stream, copy(bytes, offset, length), e.getMessage() + " (stream=" + stream + " schema id=" + schemaId + ")",
                        DeadLetterPublisher.STAGE_VALIDATE, WIRE_CONTENT).thenAccept(listener::onOutcome);
                return;
            }
            seriesKey = scan.keyBytes();
            eventTimeMs = scan.eventTimeMs;
        }
        long validated = System.nanoTime();
        validateLatency.recordNanos(validated - start);
        produce(batch.schema, seriesKey, eventTimeMs, copy(bytes, offset, length), sendTimeNs, traceparent, listener, validated);
    }

    /** The message for an event addressed to a stream that has no schema. */
    public static String unknownStream(String stream) {
        return "unknown stream=" + stream + ": register its schema first with POST /v1/schemas/" + stream
                + " or 'platform schema register " + stream + " <schema.avsc>'";
    }

    /** @param sentAt {@link System#nanoTime()} now (the caller has just read it), from which produce_ack is timed */
    private void produce(StreamSchema schema, byte[] seriesKey, long eventTimeMs, byte[] value, long sendTimeNs, byte[] traceparent,
                         OutcomeListener listener, long sentAt) {
        RecordHeaders headers = EventHeaders.withTimes(sendTimeNs > 0 ? sendTimeNs : EpochClock.nowNs(), eventTimeMs);
        if (traceparent != null) {
            headers.add(Tracing.TRACEPARENT, traceparent);
        }
        try {
            producer.send(new ProducerRecord<>(schema.ingestTopic(), null, null, seriesKey, value, headers), (metadata, error) -> {
                if (error != null) {
                    failedEvents.increment();
                    listener.onOutcome(IngestOutcome.failed("Kafka did not acknowledge: " + error.getMessage() + "; retry later"));
                } else {
                    produceAckLatency.recordNanos(System.nanoTime() - sentAt);
                    acceptedEvents.increment();
                    listener.onOutcome(IngestOutcome.ACCEPTED);
                }
            });
        } catch (RuntimeException e) {
            listener.onOutcome(IngestOutcome.failed("Kafka producer refused the event: " + e.getMessage() + "; retry later"));
        }
    }

    private CompletableFuture<IngestOutcome> reject(String stream, byte[] original, String reason, String stage, String contentType) {
        rejectedEvents.increment();
        return deadLetters.publish(stream, original, reason, stage, contentType)
                .handle((ok, error) -> error == null
                        ? IngestOutcome.rejected(reason)
                        : IngestOutcome.failed(reason + "; and the dead-letter write failed: " + error.getMessage()));
    }

    private static byte[] copy(byte[] bytes, int offset, int length) {
        if (offset == 0 && length == bytes.length) {
            return bytes;
        }
        byte[] out = new byte[length];
        System.arraycopy(bytes, offset, out, 0, length);
        return out;
    }
}
