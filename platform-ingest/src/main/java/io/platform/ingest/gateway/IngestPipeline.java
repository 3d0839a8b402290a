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
import io.platform.wire.PackedEvents;
import io.platform.wire.TopicNames;
import io.platform.wire.WireFormat;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
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
    private final boolean packBatches;
    private final AvroCodec codec = new AvroCodec();
    private final Map<Integer, WireRecordScanner> scanners = new ConcurrentHashMap<>();
    private final StageLatency validateLatency;
    private final StageLatency produceAckLatency;
    private final StageLatency transportLatency;
    private final Counter acceptedEvents;
    private final Counter rejectedEvents;
    private final Counter failedEvents;

    public IngestPipeline(SchemaCatalog catalog, Producer<byte[], byte[]> producer) {
        this(catalog, producer, new DeadLetterPublisher(producer), false);
    }

    /**
     * A pipeline whose refused events go through {@code deadLetters} (e.g. marked as failed replays).
     *
     * @param packBatches write the valid events of each batch frame as one record per partition ({@link PackedEvents})
     *                    instead of one record per event, for streams that leave it to the node
     *                    ({@link StreamSchema.BatchPacking#NODE_DEFAULT})
     */
    public IngestPipeline(SchemaCatalog catalog, Producer<byte[], byte[]> producer, DeadLetterPublisher deadLetters, boolean packBatches) {
        this(catalog, producer, deadLetters, packBatches, LatencyMetrics.global());
    }

    /** The same pipeline, recording its stages and counts into {@code metrics}: the node passes its own. */
    public IngestPipeline(SchemaCatalog catalog, Producer<byte[], byte[]> producer, DeadLetterPublisher deadLetters, boolean packBatches,
                          LatencyMetrics metrics) {
        this.validateLatency = metrics.stage(Stage.VALIDATE);
        this.produceAckLatency = metrics.stage(Stage.PRODUCE_ACK);
        this.transportLatency = metrics.stage(Stage.TRANSPORT);
        this.acceptedEvents = metrics.registry().counter("platform.ingest.events", "outcome", "accepted");
        this.rejectedEvents = metrics.registry().counter("platform.ingest.events", "outcome", "rejected");
        this.failedEvents = metrics.registry().counter("platform.ingest.events", "outcome", "failed");
        this.catalog = catalog;
        this.producer = producer;
        this.deadLetters = deadLetters;
        this.packBatches = packBatches;
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
        return ingestJson(null, schema, json, originalBytes, sendTimeNs, traceparent);
    }

    /**
     * As above for one event of a request whose lookups {@code batch} holds (null: a request of one event): packed with
     * the request's other events when the stream packs batches (the caller calls {@link WireBatch#finish} after the
     * request's last event).
     */
    public CompletableFuture<IngestOutcome> ingestJson(WireBatch batch, StreamSchema schema, JsonNode json, byte[] originalBytes,
                                                       long sendTimeNs, byte[] traceparent) {
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
        byte[] seriesKey = schema.seriesKey(record).getBytes(StandardCharsets.UTF_8);
        long eventTimeMs = schema.eventTimeMs(record);
        CompletableFuture<IngestOutcome> done = new CompletableFuture<>();
        if (batch != null && batch.packs && batch.use(schema.id())) {
            batch.pack(seriesKey, eventTimeMs, value, 0, value.length, sendTimeNs, traceparent, done::complete);
        } else {
            produce(schema, seriesKey, eventTimeMs, value, sendTimeNs, traceparent, done::complete, validated);
        }
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

        /** The same outcome for {@code count} events (those of one packed record); a batch's listener counts them at once. */
        default void onOutcomes(IngestOutcome outcome, int count) {
            for (int i = 0; i < count; i++) {
                onOutcome(outcome);
            }
        }
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
        // one event: a record of its own, packed or not
        ingestWire(new WireBatch(stream, false), bytes, offset, length, sendTimeNs, traceparent, listener);
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

        private final boolean packs;
        /** Per partition, the packed record being filled; null until the first event is packed. */
        private Packer[] packers;

        /**
         * The lookups of a batch frame, whose valid events are packed when the stream's latest schema says so, or
         * leaves it to the node and the node packs batches.
         */
        public WireBatch(String stream) {
            this(stream, true);
        }

        private WireBatch(String stream, boolean batchFrame) {
            this.stream = stream;
            this.latest = catalog.latest(stream);
            this.packs = batchFrame && latest != null && latest.batchPacking().packs(packBatches);
        }

        /**
         * Sends what the frame's events left packed (one record per partition); the caller calls it once after the
         * frame's last event. Does nothing when nothing was packed.
         */
        public void finish() {
            if (packers != null) {
                sendFilled(packers);
            }
        }

        private void pack(byte[] seriesKey, long eventTimeMs, byte[] bytes, int offset, int length, long sendTimeNs, byte[] traceparent,
                          OutcomeListener listener) {
            if (packers == null) {
                packers = threadPackers(schema.ingestTopic(), producer.partitionsFor(schema.ingestTopic()).size());
            }
            int partition = PackedEvents.partitionOf(seriesKey, packers.length);
            Packer packer = packers[partition];
            if (packer == null) {
                packer = packers[partition] = new Packer(schema.ingestTopic(), partition);
            } else if (packer.writer.count() == PackedEvents.MAX_ENTRIES || packer.writer.length() + length > MAX_PACKED_BYTES) {
                sendPacked(packer);
            }
            if (packer.writer.count() == 0) {
                packer.startFrame(sendTimeNs, traceparent);
            }
            packer.add(seriesKey, eventTimeMs, bytes, offset, length, listener);
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

    /**
     * Per thread and topic, the packers of its partitions, kept from frame to frame: a frame of a few events would
     * otherwise allocate a packer and its buffer per partition (at 50,000 events/s in frames of five, 80 MB/s of
     * garbage that raised the ack p99). A frame is ingested on one thread, and {@link WireBatch#finish} empties them.
     */
    private static final ThreadLocal<Map<String, Packer[]>> THREAD_PACKERS = ThreadLocal.withInitial(HashMap::new);

    private Packer[] threadPackers(String topic, int partitions) {
        Map<String, Packer[]> byTopic = THREAD_PACKERS.get();
        Packer[] packers = byTopic.get(topic);
        if (packers == null || packers.length != partitions) {
            packers = new Packer[partitions];
            byTopic.put(topic, packers);
        }
        // left filled by a frame that ended in an exception before finish(): its events still go out, with their own listeners
        sendFilled(packers);
        return packers;
    }

    /** Sends every packer that holds events. */
    private void sendFilled(Packer[] packers) {
        for (Packer packer : packers) {
            if (packer != null && packer.writer.count() > 0) {
                sendPacked(packer);
            }
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
            reject(stream, copy(bytes, offset, length), framing, DeadLetterPublisher.STAGE_DECODE, WIRE_CONTENT)
                    .thenAccept(listener::onOutcome);
            return;
        }
        int schemaId = WireFormat.schemaId(bytes, offset);
        if (!batch.use(schemaId)) {
            reject(stream, copy(bytes, offset, length), "schema id=" + schemaId + " is not a registered schema of stream=" + stream
                    + " (latest id=" + batch.latest.id() + ")", DeadLetterPublisher.STAGE_VALIDATE, WIRE_CONTENT)
                            .thenAccept(listener::onOutcome);
            return;
        }
        byte[] seriesKey;
        long eventTimeMs;
        if (batch.scanner == null) {
            GenericRecord record;
            try {
                record = batch.schema.protobuf().decode(bytes, offset, length);
            } catch (IOException e) {
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
        if (batch.packs) {
            batch.pack(seriesKey, eventTimeMs, bytes, offset, length, sendTimeNs, traceparent, listener);
            return;
        }
        produce(batch.schema, seriesKey, eventTimeMs, copy(bytes, offset, length), sendTimeNs, traceparent, listener, validated);
    }

    /** A packed record grows to this many bytes at most (under the producer's 1 MiB request limit, a few per request). */
    static final int MAX_PACKED_BYTES = 256 * 1024;

    /** The events of one frame bound for one partition, and who to tell when Kafka acknowledges them. Reused by its thread. */
    private static final class Packer {
        final String topic;
        final int partition;
        long sendTimeNs;
        byte[] traceparent;
        final PackedEvents.Writer writer = new PackedEvents.Writer();
        long minEventTimeMs = Long.MAX_VALUE;
        // runs of events with the same listener: a batch frame has one listener for all its events
        OutcomeListener[] listeners = new OutcomeListener[1];
        int[] runLengths = new int[1];
        int runs;

        Packer(String topic, int partition) {
            this.topic = topic;
            this.partition = partition;
        }

        /** Before the first event of a record: the frame's send time and trace go into the record's headers. */
        void startFrame(long sendTimeNs, byte[] traceparent) {
            this.sendTimeNs = sendTimeNs;
            this.traceparent = traceparent;
        }

        void add(byte[] seriesKey, long eventTimeMs, byte[] bytes, int offset, int length, OutcomeListener listener) {
            writer.add(seriesKey, eventTimeMs, bytes, offset, length);
            minEventTimeMs = Math.min(minEventTimeMs, eventTimeMs);
            if (runs > 0 && listeners[runs - 1] == listener) {
                runLengths[runs - 1]++;
                return;
            }
            if (runs == listeners.length) {
                listeners = Arrays.copyOf(listeners, runs * 2);
                runLengths = Arrays.copyOf(runLengths, runs * 2);
            }
            listeners[runs] = listener;
            runLengths[runs++] = 1;
        }
    }

    /**
     * Produces a packer's events as one record to its partition, and starts it over. The record carries the frame's
     * times header (send time, and the earliest event time: what tells storage the gateway validated it) and trace.
     */
    private void sendPacked(Packer packer) {
        int events = packer.writer.count();
        OutcomeListener[] listeners = Arrays.copyOf(packer.listeners, packer.runs);
        int[] runLengths = Arrays.copyOf(packer.runLengths, packer.runs);
        RecordHeaders headers = headers(packer.sendTimeNs, packer.minEventTimeMs, packer.traceparent);
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(packer.topic, packer.partition, null, null, packer.writer.toBytes(), headers);
        packer.writer.reset();
        packer.minEventTimeMs = Long.MAX_VALUE;
        Arrays.fill(packer.listeners, 0, packer.runs, null);
        packer.runs = 0;
        long sentAt = System.nanoTime();
        try {
            producer.send(record, (metadata, error) -> {
                IngestOutcome outcome;
                if (error != null) {
                    failedEvents.increment(events);
                    outcome = IngestOutcome.failed("Kafka did not acknowledge: " + error.getMessage() + "; retry later");
                } else {
                    produceAckLatency.recordNanos(System.nanoTime() - sentAt, events);
                    acceptedEvents.increment(events);
                    outcome = IngestOutcome.ACCEPTED;
                }
                for (int i = 0; i < listeners.length; i++) {
                    listeners[i].onOutcomes(outcome, runLengths[i]);
                }
            });
        } catch (RuntimeException e) {
            IngestOutcome failed = IngestOutcome.failed("Kafka producer refused the events: " + e.getMessage() + "; retry later");
            for (int i = 0; i < listeners.length; i++) {
                listeners[i].onOutcomes(failed, runLengths[i]);
            }
        }
    }

    /**
     * The headers of a gateway record, single or packed: the times header (send time, now when the client sent none;
     * event time) that tells storage the gateway validated it, and the batch's trace context when sampled.
     */
    private static RecordHeaders headers(long sendTimeNs, long eventTimeMs, byte[] traceparent) {
        RecordHeaders headers = EventHeaders.withTimes(sendTimeNs > 0 ? sendTimeNs : EpochClock.nowNs(), eventTimeMs);
        if (traceparent != null) {
            headers.add(Tracing.TRACEPARENT, traceparent);
        }
        return headers;
    }

    /** The message for an event addressed to a stream that has no schema. */
    public static String unknownStream(String stream) {
        return "unknown stream=" + stream + ": register its schema first with POST /v1/schemas/" + stream
                + " or 'platform schema register " + stream + " <schema.avsc>'";
    }

    /** @param sentAt {@link System#nanoTime()} now (the caller has just read it), from which produce_ack is timed */
    private void produce(StreamSchema schema, byte[] seriesKey, long eventTimeMs, byte[] value, long sendTimeNs, byte[] traceparent,
                         OutcomeListener listener, long sentAt) {
        RecordHeaders headers = headers(sendTimeNs, eventTimeMs, traceparent);
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
