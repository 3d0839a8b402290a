package io.platform.ingest.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.platform.ingest.dlq.DeadLetterPublisher;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import io.platform.observability.StageLatency;
import io.platform.wire.EpochClock;
import io.platform.wire.EventHeaders;
import io.platform.wire.TopicNames;
import io.platform.wire.WireFormat;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
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
    private static final String JSON_CONTENT = "application/json";
    private static final String WIRE_CONTENT = "application/vnd.platform.wire";

    private final SchemaCatalog catalog;
    private final Producer<byte[], byte[]> producer;
    private final DeadLetterPublisher deadLetters;
    private final AvroCodec codec = new AvroCodec();
    private final StageLatency validateLatency = LatencyMetrics.global().stage(Stage.VALIDATE);
    private final StageLatency produceAckLatency = LatencyMetrics.global().stage(Stage.PRODUCE_ACK);
    private final StageLatency transportLatency = LatencyMetrics.global().stage(Stage.TRANSPORT);

    public IngestPipeline(SchemaCatalog catalog, Producer<byte[], byte[]> producer) {
        this.catalog = catalog;
        this.producer = producer;
        this.deadLetters = new DeadLetterPublisher(producer);
    }

    public SchemaCatalog catalog() {
        return catalog;
    }

    /** Ingests one JSON event (already parsed) for a known stream. */
    public CompletableFuture<IngestOutcome> ingestJson(StreamSchema schema, JsonNode json, byte[] originalBytes, long sendTimeNs) {
        long start = System.nanoTime();
        GenericRecord record;
        try {
            record = JsonRecordDecoder.decode(json, schema.schema());
        } catch (InvalidEventException e) {
            return reject(schema.stream(), originalBytes, e.getMessage(), DeadLetterPublisher.STAGE_VALIDATE, JSON_CONTENT);
        }
        byte[] value = codec.encode(schema, record);
        validateLatency.recordNanos(System.nanoTime() - start);
        return produce(schema, schema.seriesKey(record), schema.eventTimeMs(record), value, sendTimeNs);
    }

    /** Dead-letters bytes that are not even JSON. */
    public CompletableFuture<IngestOutcome> rejectUnparseable(String stream, byte[] originalBytes, String reason) {
        return reject(stream, originalBytes, reason, DeadLetterPublisher.STAGE_DECODE, JSON_CONTENT);
    }

    /**
     * Ingests one event already in the wire format, e.g. from a binary TCP frame.
     *
     * @param bytes the buffer holding the wire-format value at {@code offset}, {@code length} bytes
     */
    public CompletableFuture<IngestOutcome> ingestWire(String stream, byte[] bytes, int offset, int length, long sendTimeNs) {
        long start = System.nanoTime();
        if (sendTimeNs > 0) {
            transportLatency.recordNanos(EpochClock.nowNs() - sendTimeNs);
        }
        StreamSchema latest = catalog.latest(stream);
        if (latest == null) {
            return CompletableFuture.completedFuture(IngestOutcome.rejected(unknownStream(stream)));
        }
        String framing = WireFormat.framingError(bytes, offset, length);
        if (framing != null) {
            return reject(stream, copy(bytes, offset, length), framing, DeadLetterPublisher.STAGE_DECODE, WIRE_CONTENT);
        }
        int schemaId = WireFormat.schemaId(bytes, offset);
        StreamSchema schema = catalog.byId(schemaId);
        if (schema == null || !schema.stream().equals(stream)) {
            return reject(stream, copy(bytes, offset, length), "schema id=" + schemaId + " is not a registered schema of stream=" + stream
                    + " (latest id=" + latest.id() + ")", DeadLetterPublisher.STAGE_VALIDATE, WIRE_CONTENT);
        }
        GenericRecord record;
        try {
            record = codec.decode(schema, bytes, offset + WireFormat.BODY_OFFSET, length - WireFormat.BODY_OFFSET);
        } catch (InvalidEventException e) {
            return reject(stream, copy(bytes, offset, length), e.getMessage(), DeadLetterPublisher.STAGE_VALIDATE, WIRE_CONTENT);
        }
        validateLatency.recordNanos(System.nanoTime() - start);
        return produce(schema, schema.seriesKey(record), schema.eventTimeMs(record), copy(bytes, offset, length), sendTimeNs);
    }

    /** The message for an event addressed to a stream that has no schema. */
    public static String unknownStream(String stream) {
        return "unknown stream=" + stream + ": register its schema first with POST /v1/schemas/" + stream
                + " or 'platform schema register " + stream + " <schema.avsc>'";
    }

    private CompletableFuture<IngestOutcome> produce(StreamSchema schema, String series, long eventTimeMs, byte[] value, long sendTimeNs) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.SEND_TIME_NS, EventHeaders.longBytes(sendTimeNs > 0 ? sendTimeNs : EpochClock.nowNs()));
        headers.add(EventHeaders.EVENT_TIME_MS, EventHeaders.longBytes(eventTimeMs));
        CompletableFuture<IngestOutcome> done = new CompletableFuture<>();
        long sentAt = System.nanoTime();
        try {
            producer.send(new ProducerRecord<>(TopicNames.ingest(schema.stream()), null, null,
                    series.getBytes(StandardCharsets.UTF_8), value, headers), (metadata, error) -> {
                if (error != null) {
                    LatencyMetrics.global().count("platform.ingest.events", "outcome", "failed", 1);
                    done.complete(IngestOutcome.failed("Kafka did not acknowledge: " + error.getMessage() + "; retry later"));
                } else {
                    produceAckLatency.recordNanos(System.nanoTime() - sentAt);
                    LatencyMetrics.global().count("platform.ingest.events", "outcome", "accepted", 1);
                    done.complete(IngestOutcome.ACCEPTED);
                }
            });
        } catch (RuntimeException e) {
            done.complete(IngestOutcome.failed("Kafka producer refused the event: " + e.getMessage() + "; retry later"));
        }
        return done;
    }

    private CompletableFuture<IngestOutcome> reject(String stream, byte[] original, String reason, String stage, String contentType) {
        LatencyMetrics.global().count("platform.ingest.events", "outcome", "rejected", 1);
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
