package io.platform.deploy.bench;

import io.platform.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** The sample stream of the demo and benchmarks: sensor readings with a device key. Not thread-safe. */
public final class SensorEvents {
    public static final String STREAM = "sensors";
    public static final String SCHEMA = """
            {"type":"record","name":"SensorReading","namespace":"io.platform.sample","fields":[
              {"name":"device","type":"string"},
              {"name":"site","type":"string"},
              {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"temperature","type":"double"},
              {"name":"humidity","type":"double"}]}""";
    private static final String[] SITES = {"north", "south", "east", "west"};

    private final int schemaId;
    private final int devices;
    private final String[] deviceNames;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);
    private BinaryEncoder encoder;

    public SensorEvents(int schemaId, int devices) {
        this.schemaId = schemaId;
        this.devices = devices;
        this.deviceNames = new String[devices];
        for (int i = 0; i < devices; i++) {
            deviceNames[i] = "dev-" + i;
        }
    }

    /** The wire-format value of event number {@code seq} at event time {@code tsMs}. */
    public byte[] encode(long seq, long tsMs) {
        int device = (int) (seq % devices);
        buffer.reset();
        buffer.write(WireFormat.MAGIC);
        buffer.write(schemaId >>> 24);
        buffer.write(schemaId >>> 16);
        buffer.write(schemaId >>> 8);
        buffer.write(schemaId);
        encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
        try {
            encoder.writeString(deviceNames[device]);
            encoder.writeString(SITES[device % SITES.length]);
            encoder.writeLong(tsMs);
            encoder.writeDouble(15 + (seq % 200) * 0.1);
            encoder.writeDouble(40 + (seq % 50));
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    /** The series key of event {@code seq}, as the gateway derives it (device, site). */
    public String series(long seq) {
        int device = (int) (seq % devices);
        return deviceNames[device] + '\u001f' + SITES[device % SITES.length];
    }

    /** Event {@code seq} at event time {@code tsMs} as one JSON line (with its newline), for the HTTP API. */
    public void appendJson(StringBuilder out, long seq, long tsMs) {
        int device = (int) (seq % devices);
        out.append("{\"device\":\"").append(deviceNames[device]).append("\",\"site\":\"").append(SITES[device % SITES.length])
                .append("\",\"ts\":").append(tsMs).append(",\"temperature\":").append(15 + (seq % 200) * 0.1)
                .append(",\"humidity\":").append(40 + (seq % 50)).append(".0}\n");
    }
}
