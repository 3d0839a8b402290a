package io.platform.wire.aggregate;

import io.platform.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Count, sum, min and max of each numeric field for one series in one tumbling window. A mutable value object with
 * public fields so Flink serializes it as a POJO; not thread-safe. On the wire it is an Avro record with the reserved
 * schema id {@link #SCHEMA_ID}.
 */
public final class WindowAggregate {
    /** Schema ids below 100 are reserved for the platform's own records. */
    public static final int SCHEMA_ID = 1;
    public static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"WindowAggregate","namespace":"io.platform.wire.aggregate","fields":[
              {"name":"stream","type":"string"},
              {"name":"view","type":"string"},
              {"name":"series","type":"string"},
              {"name":"windowStartMs","type":"long"},
              {"name":"windowEndMs","type":"long"},
              {"name":"count","type":"long"},
              {"name":"fields","type":{"type":"array","items":"string"}},
              {"name":"sums","type":{"type":"array","items":"double"}},
              {"name":"mins","type":{"type":"array","items":"double"}},
              {"name":"maxs","type":{"type":"array","items":"double"}}
            ]}""");

    public String stream;
    public String view;
    public String series;
    public long windowStartMs;
    public long windowEndMs;
    public long count;
    public String[] fields;
    public double[] sums;
    public double[] mins;
    public double[] maxs;

    public WindowAggregate() {
    }

    /** The average of field {@code i}: its sum over the count. */
    public double avg(int i) {
        return count == 0 ? Double.NaN : sums[i] / count;
    }

    /** Index of a field by name, or -1. */
    public int fieldIndex(String name) {
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public byte[] toWire() {
        GenericRecord record = new GenericData.Record(SCHEMA);
        record.put("stream", stream);
        record.put("view", view);
        record.put("series", series);
        record.put("windowStartMs", windowStartMs);
        record.put("windowEndMs", windowEndMs);
        record.put("count", count);
        record.put("fields", Arrays.asList(fields));
        record.put("sums", boxed(sums));
        record.put("mins", boxed(mins));
        record.put("maxs", boxed(maxs));
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(SCHEMA).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return WireFormat.encode(SCHEMA_ID, out.toByteArray());
    }

    public static WindowAggregate fromWire(byte[] bytes) {
        String framing = WireFormat.framingError(bytes, 0, bytes.length);
        if (framing != null || WireFormat.schemaId(bytes) != SCHEMA_ID) {
            throw new IllegalArgumentException("not a WindowAggregate value: "
                    + (framing != null ? framing : "schema id " + WireFormat.schemaId(bytes)));
        }
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(bytes, WireFormat.BODY_OFFSET, bytes.length - WireFormat.BODY_OFFSET, null);
        GenericRecord record;
        try {
            record = new GenericDatumReader<GenericRecord>(SCHEMA).read(null, decoder);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt WindowAggregate value: " + e.getMessage(), e);
        }
        WindowAggregate aggregate = new WindowAggregate();
        aggregate.stream = record.get("stream").toString();
        aggregate.view = record.get("view").toString();
        aggregate.series = record.get("series").toString();
        aggregate.windowStartMs = (Long) record.get("windowStartMs");
        aggregate.windowEndMs = (Long) record.get("windowEndMs");
        aggregate.count = (Long) record.get("count");
        List<?> names = (List<?>) record.get("fields");
        aggregate.fields = new String[names.size()];
        for (int i = 0; i < names.size(); i++) {
            aggregate.fields[i] = names.get(i).toString();
        }
        aggregate.sums = unboxed((List<?>) record.get("sums"));
        aggregate.mins = unboxed((List<?>) record.get("mins"));
        aggregate.maxs = unboxed((List<?>) record.get("maxs"));
        return aggregate;
    }

    private static List<Double> boxed(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double v : values) {
            list.add(v);
        }
        return list;
    }

    private static double[] unboxed(List<?> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).doubleValue();
        }
        return out;
    }

    @Override
    public String toString() {
        return "WindowAggregate{" + stream + "/" + view + " series=" + series + " [" + windowStartMs + "," + windowEndMs
                + ") count=" + count + " fields=" + Arrays.toString(fields) + " sums=" + Arrays.toString(sums) + "}";
    }
}
