package io.platform.ingest.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.ingest.dlq.DeadLetterPublisher;
import io.platform.wire.PackedEvents;
import io.platform.wire.WireFormat;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The gateway's packing of a batch frame, against Kafka's in-memory producer (the records it would send, in order): one
 * record per partition, a new record when one would outgrow its size limit, every event acknowledged once.
 */
class PackedIngestTest {
    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"R","fields":[{"name":"device","type":"string"},{"name":"ts","type":"long"},{"name":"note","type":"string"}]}""");
    private static final StreamSchema STREAM = StreamSchema.define("s", 1, 101, SCHEMA, "ts", List.of("device"));

    private final MockProducer<byte[], byte[]> kafka = new MockProducer<>(cluster(), true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final IngestPipeline pipeline = new IngestPipeline(catalog(), kafka, new DeadLetterPublisher(kafka), true);

    @Test
    void aFrameBecomesOneRecordPerPartitionWithEveryEventAcknowledgedOnce() throws IOException {
        Counting outcomes = new Counting();
        IngestPipeline.WireBatch frame = pipeline.new WireBatch("s");
        for (int i = 0; i < 40; i++) {
            byte[] event = event("d" + (i % 8), i, "x");
            pipeline.ingestWire(frame, event, 0, event.length, 0, null, outcomes);
        }
        assertEquals(0, kafka.history().size(), "nothing sent before the frame's end");
        frame.finish();
        assertTrue(kafka.history().size() <= 2, "at most one record per partition: " + kafka.history().size());
        int entries = 0;
        for (ProducerRecord<byte[], byte[]> record : kafka.history()) {
            PackedEvents.Cursor cursor = new PackedEvents.Cursor(record.value());
            while (cursor.next()) {
                entries++;
                assertEquals(PackedEvents.partitionOf(cursor.series().getBytes(StandardCharsets.UTF_8), 2), record.partition());
            }
        }
        assertEquals(40, entries);
        assertEquals(40, outcomes.accepted.get());
        assertEquals(kafka.history().size(), outcomes.calls.get(), "one outcome call per record, counting its events");
    }

    @Test
    void aRecordThatWouldOutgrowItsLimitIsSentAndANewOneStarted() throws IOException {
        Counting outcomes = new Counting();
        IngestPipeline.WireBatch frame = pipeline.new WireBatch("s");
        String large = "y".repeat(IngestPipeline.MAX_PACKED_BYTES / 2 - 1_000);
        for (int i = 0; i < 3; i++) {
            byte[] event = event("same", i, large);
            pipeline.ingestWire(frame, event, 0, event.length, 0, null, outcomes);
        }
        assertEquals(1, kafka.history().size(), "the third event did not fit beside the first two: they went out");
        frame.finish();
        assertEquals(2, kafka.history().size());
        assertEquals(2, new PackedEvents.Cursor(kafka.history().get(0).value()).count());
        assertEquals(1, new PackedEvents.Cursor(kafka.history().get(1).value()).count());
        assertTrue(kafka.history().get(0).value().length <= IngestPipeline.MAX_PACKED_BYTES);
        assertEquals(3, outcomes.accepted.get());
    }

    @Test
    void aStreamsOwnChoiceOverridesTheNodesEitherWay() throws IOException {
        // the node packs, the stream's latest version says one record per event (for Confluent-framed readers)
        MockProducer<byte[], byte[]> unpackedKafka = new MockProducer<>(cluster(), true, null, new ByteArraySerializer(), new ByteArraySerializer());
        SchemaCatalog unpackedCatalog = catalog();
        unpackedCatalog.apply(StreamSchema.define("s", 2, 102, SCHEMA, "ts", List.of("device")).withBatchPacking(StreamSchema.BatchPacking.UNPACKED));
        sendFrame(new IngestPipeline(unpackedCatalog, unpackedKafka, new DeadLetterPublisher(unpackedKafka), true), 10);
        assertEquals(10, unpackedKafka.history().size(), "a record per event");
        unpackedKafka.history().forEach(record -> assertFalse(PackedEvents.isPacked(record.value())));

        // the node does not pack, the stream asks for it
        MockProducer<byte[], byte[]> packedKafka = new MockProducer<>(cluster(), true, null, new ByteArraySerializer(), new ByteArraySerializer());
        SchemaCatalog packedCatalog = catalog();
        packedCatalog.apply(StreamSchema.define("s", 2, 102, SCHEMA, "ts", List.of("device")).withBatchPacking(StreamSchema.BatchPacking.PACKED));
        sendFrame(new IngestPipeline(packedCatalog, packedKafka, new DeadLetterPublisher(packedKafka), false), 10);
        assertTrue(packedKafka.history().size() <= 2, "a record per partition: " + packedKafka.history().size());
        packedKafka.history().forEach(record -> assertTrue(PackedEvents.isPacked(record.value())));

        // a stream that leaves it to the node follows the node
        MockProducer<byte[], byte[]> plainKafka = new MockProducer<>(cluster(), true, null, new ByteArraySerializer(), new ByteArraySerializer());
        sendFrame(new IngestPipeline(catalog(), plainKafka, new DeadLetterPublisher(plainKafka), false), 10);
        assertEquals(10, plainKafka.history().size());
    }

    /** One batch frame of {@code events} events of version 1 (a stream's packing is its latest version's). */
    private static void sendFrame(IngestPipeline pipeline, int events) throws IOException {
        Counting outcomes = new Counting();
        IngestPipeline.WireBatch frame = pipeline.new WireBatch("s");
        for (int i = 0; i < events; i++) {
            byte[] event = event("d" + i, i, "x");
            pipeline.ingestWire(frame, event, 0, event.length, 0, null, outcomes);
        }
        frame.finish();
        assertEquals(events, outcomes.accepted.get());
    }

    private static final class Counting implements IngestPipeline.OutcomeListener {
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void onOutcome(IngestOutcome outcome) {
            onOutcomes(outcome, 1);
        }

        @Override
        public void onOutcomes(IngestOutcome outcome, int count) {
            calls.incrementAndGet();
            if (outcome.status() == IngestOutcome.Status.ACCEPTED) {
                accepted.addAndGet(count);
            }
        }
    }

    private static byte[] event(String device, long ts, String note) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
        encoder.writeString(device);
        encoder.writeLong(ts);
        encoder.writeString(note);
        encoder.flush();
        return WireFormat.encode(STREAM.id(), body.toByteArray());
    }

    private static SchemaCatalog catalog() {
        SchemaCatalog catalog = SchemaCatalog.detached();
        catalog.apply(STREAM);
        return catalog;
    }

    private static Cluster cluster() {
        Node broker = new Node(0, "localhost", 9092);
        List<PartitionInfo> partitions = List.of(
                new PartitionInfo(STREAM.ingestTopic(), 0, broker, new Node[] {broker}, new Node[] {broker}),
                new PartitionInfo(STREAM.ingestTopic(), 1, broker, new Node[] {broker}, new Node[] {broker}));
        return new Cluster("test", List.of(broker), partitions, java.util.Set.of(), java.util.Set.of());
    }
}
