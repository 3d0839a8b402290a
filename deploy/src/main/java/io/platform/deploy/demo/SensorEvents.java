package io.platform.deploy.demo;

import io.platform.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
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
        this(schemaId, devices, 0);
    }

    /**
     * Events whose devices follow a Zipf law with {@code zipfExponent} (0: every device in turn): device k (from 1) is
     * picked with a probability proportional to 1/k^s, the key skew a few hot sensors give. Which device an event has
     * is a function of its number, so {@link #encode} and {@link #series} agree.
     */
    public SensorEvents(int schemaId, int devices, double zipfExponent) {
        this.schemaId = schemaId;
        this.devices = devices;
        this.deviceNames = new String[devices];
        for (int i = 0; i < devices; i++) {
            deviceNames[i] = "dev-" + i;
        }
        if (zipfExponent > 0) {
            zipfCdf = new double[devices];
            double total = 0;
            for (int k = 1; k <= devices; k++) {
                total += 1 / Math.pow(k, zipfExponent);
                zipfCdf[k - 1] = total;
            }
            for (int i = 0; i < devices; i++) {
                zipfCdf[i] /= total;
            }
        }
    }

    private double[] zipfCdf;

    /** The share of all events that the hottest device gets. */
    public double hottestShare() {
        return zipfCdf == null ? 1.0 / devices : zipfCdf[0];
    }

    private int deviceOf(long seq) {
        if (zipfCdf == null) {
            return (int) (seq % devices);
        }
        // a uniform number from the event's number (SplitMix64's finalizer), then the inverse of the Zipf CDF
        long z = seq * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        double uniform = ((z ^ (z >>> 31)) >>> 11) * 0x1.0p-53;
        int index = Arrays.binarySearch(zipfCdf, uniform);
        return Math.min(devices - 1, index >= 0 ? index : -index - 1);
    }

    /** The wire-format value of event number {@code seq} at event time {@code tsMs}. */
    public byte[] encode(long seq, long tsMs) {
        int device = deviceOf(seq);
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
            encoder.writeDouble(temperature(seq));
            encoder.writeDouble(humidity(seq));
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    /** The temperature field of event {@code seq}. */
    public double temperature(long seq) {
        return 15 + (seq % 200) * 0.1;
    }

    /** The humidity field of event {@code seq}. */
    public double humidity(long seq) {
        return 40 + (seq % 50);
    }

    /** The series key of event {@code seq}, as the gateway derives it (device, site). */
    public String series(long seq) {
        int device = deviceOf(seq);
        return deviceNames[device] + '\u001f' + SITES[device % SITES.length];
    }

    /** Event {@code seq} at event time {@code tsMs} as one JSON line (with its newline), for the HTTP API. */
    public void appendJson(StringBuilder out, long seq, long tsMs) {
        // the load generator's hot path, into a reused builder; names are generated ASCII, nothing needs escaping
        int device = deviceOf(seq);
        out.append("{\"device\":\"").append(deviceNames[device]).append("\",\"site\":\"").append(SITES[device % SITES.length])
                .append("\",\"ts\":").append(tsMs).append(",\"temperature\":").append(temperature(seq))
                .append(",\"humidity\":").append(humidity(seq)).append("}\n");
    }
}
