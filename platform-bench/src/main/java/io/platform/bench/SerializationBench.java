package io.platform.bench;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.platform.deploy.demo.SensorEvents;
import io.platform.wire.WireFormat;
import io.platform.wire.schema.ProtoSchema;
import io.platform.wire.schema.ProtobufRecordCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * {@code platform bench serialization}: what decoding a wire-format event costs with the caching the platform's
 * consumers use (reader per schema id cached, one reused {@link BinaryDecoder}, as in the Flink job's deserializer)
 * against a reader made per event (schema cached, the reader's resolution redone) and against parsing the schema per
 * event (no cache: what a consumer that fetched the schema text by id each time would do). The same events as
 * Protobuf (a stream that declares a .proto schema): the platform's codec built once per schema id, against parsing
 * the .proto text per event, with protobuf-java's DynamicMessage (descriptor cached) as the peer. Each mode decodes
 * the same events on one thread; per-event cost is timed over blocks of {@value #BLOCK} events into HdrHistogram.
 */
public final class SerializationBench {
    private static final int BLOCK = 1_000;
    private static final int EVENTS = 1_000;
    /** {@link SensorEvents#SCHEMA}'s fields as a proto3 message. */
    static final String PROTO = """
            syntax = "proto3";
            package io.platform.sample;
            message SensorReading {
              string device = 1;
              string site = 2;
              int64 ts = 3;
              double temperature = 4;
              double humidity = 5;
            }
            """;

    private interface Decoder {
        Object decode(byte[] value) throws IOException;
    }

    private final PrintStream out;

    public SerializationBench(PrintStream out) {
        this.out = out;
    }

    public void run(int seconds) throws IOException {
        SensorEvents sensors = new SensorEvents(100, EVENTS);
        byte[][] events = new byte[EVENTS][];
        for (int i = 0; i < EVENTS; i++) {
            events[i] = sensors.encode(i, 1_700_000_000_000L + i);
        }
        Schema schema = new Schema.Parser().parse(SensorEvents.SCHEMA);

        Map<Integer, GenericDatumReader<GenericRecord>> readers = new HashMap<>();
        BinaryDecoder[] reused = {null};
        Decoder cached = value -> {
            GenericDatumReader<GenericRecord> reader = readers.computeIfAbsent(WireFormat.schemaId(value, 0),
                    id -> new GenericDatumReader<>(schema));
            reused[0] = DecoderFactory.get().binaryDecoder(value, WireFormat.BODY_OFFSET, value.length - WireFormat.BODY_OFFSET, reused[0]);
            return reader.read(null, reused[0]);
        };
        Decoder readerPerEvent = value -> new GenericDatumReader<GenericRecord>(schema).read(null,
                DecoderFactory.get().binaryDecoder(value, WireFormat.BODY_OFFSET, value.length - WireFormat.BODY_OFFSET, null));
        Decoder schemaPerEvent = value -> new GenericDatumReader<GenericRecord>(new Schema.Parser().parse(SensorEvents.SCHEMA)).read(null,
                DecoderFactory.get().binaryDecoder(value, WireFormat.BODY_OFFSET, value.length - WireFormat.BODY_OFFSET, null));

        out.printf("bench serialization: %d distinct events, %d s per mode after %d s warm-up, one thread%n", EVENTS, seconds, Math.max(1,
                seconds / 2));
        Histogram base = measure("cached reader + reused decoder", cached, events, seconds);
        Histogram perEvent = measure("reader per event (schema cached)", readerPerEvent, events, seconds);
        Histogram parse = measure("schema parsed per event (no cache)", schemaPerEvent, events, seconds);
        out.printf("%ncost against the cached path, at p50: reader per event %.1fx, schema per event %.1fx%n",
                perEvent.getValueAtPercentile(50) / (double) base.getValueAtPercentile(50),
                parse.getValueAtPercentile(50) / (double) base.getValueAtPercentile(50));

        // the same records as Protobuf, encoded by the platform's codec (the gateway's path for a Protobuf stream)
        ProtoSchema proto = ProtoSchema.parse(PROTO);
        ProtobufRecordCodec codec = new ProtobufRecordCodec(100, proto);
        byte[][] protoEvents = new byte[EVENTS][];
        GenericDatumReader<GenericRecord> avroReader = new GenericDatumReader<>(schema);
        for (int i = 0; i < EVENTS; i++) {
            GenericRecord record = avroReader.read(null, DecoderFactory.get().binaryDecoder(events[i], WireFormat.BODY_OFFSET,
                    events[i].length - WireFormat.BODY_OFFSET, null));
            GenericRecord twin = new GenericData.Record(proto.avroSchema());
            for (Schema.Field field : schema.getFields()) {
                twin.put(field.name(), record.get(field.name()));
            }
            protoEvents[i] = codec.encode(twin);
        }
        int messageAt = ProtobufRecordCodec.framingLength();
        Decoder protoCached = value -> codec.decode(value, 0, value.length);
        Decoder protoParsedPerEvent = value -> new ProtobufRecordCodec(100, ProtoSchema.parse(PROTO)).decode(value, 0, value.length);
        Descriptors.Descriptor descriptor = proto.descriptor();
        Decoder dynamic = value -> DynamicMessage.parseFrom(descriptor,
                CodedInputStream.newInstance(value, messageAt, value.length - messageAt));
        out.printf("%nthe same events as Protobuf (%d bytes each against Avro's %d)%n", protoEvents[0].length, events[0].length);
        Histogram protoBase = measure("protobuf: codec per schema id cached", protoCached, protoEvents, seconds);
        Histogram protoParse = measure("protobuf: .proto parsed per event", protoParsedPerEvent, protoEvents, seconds);
        Histogram peer = measure("protobuf-java DynamicMessage (peer)", dynamic, protoEvents, seconds);
        out.printf("%ncost against the cached codec, at p50: .proto parsed per event %.1fx; DynamicMessage %.2fx; cached Protobuf vs"
                + " cached Avro %.2fx%n",
                protoParse.getValueAtPercentile(50) / (double) protoBase.getValueAtPercentile(50),
                peer.getValueAtPercentile(50) / (double) protoBase.getValueAtPercentile(50),
                protoBase.getValueAtPercentile(50) / (double) base.getValueAtPercentile(50));
    }


    private Histogram measure(String name, Decoder decoder, byte[][] events, int seconds) throws IOException {
        Histogram perEventNs = new Histogram(10_000_000_000L, 3);
        long sink = 0;
        for (boolean measuring : new boolean[] {false, true}) {
            long end = System.nanoTime() + (measuring ? seconds : Math.max(1, seconds / 2)) * 1_000_000_000L;
            long decoded = 0;
            long start = System.nanoTime();
            while (System.nanoTime() < end) {
                long blockStart = System.nanoTime();
                for (int i = 0; i < BLOCK; i++) {
                    // a cheap use of the result: hashing it would time the hash of every field as well
                    sink += decoder.decode(events[(int) ((decoded + i) % events.length)]) != null ? 1 : 0;
                }
                if (measuring) {
                    perEventNs.recordValue((System.nanoTime() - blockStart) / BLOCK);
                }
                decoded += BLOCK;
            }
            if (measuring) {
                double perSecond = decoded / ((System.nanoTime() - start) / 1e9);
                out.printf("%-36s %12.0f events/s   per event p50 %6d ns  p99 %6d ns  p999 %6d ns%n", name, perSecond,
                        perEventNs.getValueAtPercentile(50), perEventNs.getValueAtPercentile(99), perEventNs.getValueAtPercentile(99.9));
            }
        }
        if (sink == 42_424_242) {
            out.println();  // keeps the decoded values live, so the JIT cannot drop the work
        }
        return perEventNs;
    }
}
