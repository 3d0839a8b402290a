package io.platform.storage;

import io.platform.wire.WireFormat;
import io.platform.wire.schema.StreamSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** The readings stream of storage tests: device (the series key), ts, count and temperature, in the wire format. */
public final class Readings {
    public static final Schema AVRO = new Schema.Parser().parse("""
            {"type":"record","name":"Reading","fields":[{"name":"device","type":"string"},{"name":"ts","type":"long"},
             {"name":"count","type":"int"},{"name":"temperature","type":"double"}]}""");
    public static final StreamSchema SCHEMA = StreamSchema.define("readings", 1, 7, AVRO, "ts", List.of("device"));

    private Readings() {
    }

    /** One reading as the gateway writes it: magic, schema id, Avro body. */
    public static byte[] encode(String device, long ts, int count, double temperature) {
        GenericRecord record = new GenericData.Record(AVRO);
        record.put("device", device);
        record.put("ts", ts);
        record.put("count", count);
        record.put("temperature", temperature);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(AVRO).write(record, encoder);
            encoder.flush();
            return WireFormat.encode(SCHEMA.id(), out.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
