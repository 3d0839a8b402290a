package io.platform.ingest.gateway;

import io.platform.wire.schema.StreamSchema;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Validates an Avro body against its schema by walking it once, without building a record: it reads only the
 * series-key fields (into a reusable key buffer) and the time field, and skips the rest. The steady state allocates
 * only the key it hands out. Malformed input (truncation, trailing bytes, bad union branch or enum symbol, negative
 * lengths, absurd item counts) is refused with a reason. One scanner per schema; {@link #scan} is thread-safe
 * (per-thread scratch state).
 */
final class WireRecordScanner {
    /** What a scan found. Reused per thread; copy what must outlive the next scan. */
    static final class Scan {
        byte[] key = new byte[64];
        int keyLength;
        long eventTimeMs;
        long itemBudget;
        int bodyLength;
        BinaryDecoder decoder;

        void appendKey(BinaryDecoder in, boolean separator) throws IOException {
            int length = in.readInt();
            // checked before growing the buffer: a forged length must not allocate beyond the body it came in
            if (length < 0 || length > bodyLength) {
                throw new IOException("string length " + length + " does not fit a body of " + bodyLength + " bytes");
            }
            int needed = keyLength + (separator ? 1 : 0) + length;
            if (needed > key.length) {
                key = Arrays.copyOf(key, Math.max(needed, key.length * 2));
            }
            if (separator) {
                key[keyLength++] = (byte) StreamSchema.SERIES_SEPARATOR;
            }
            in.readFixed(key, keyLength, length);
            keyLength += length;
        }

        byte[] keyBytes() {
            return Arrays.copyOf(key, keyLength);
        }
    }

    private interface Step {
        void run(BinaryDecoder in, Scan scan) throws IOException;
    }

    private static final ThreadLocal<Scan> SCRATCH = ThreadLocal.withInitial(Scan::new);

    private final Step[] fields;

    WireRecordScanner(StreamSchema stream) {
        List<Schema.Field> schemaFields = stream.schema().getFields();
        fields = new Step[schemaFields.size()];
        List<String> keys = stream.keyFields();
        for (Schema.Field field : schemaFields) {
            int keyIndex = keys.indexOf(field.name());
            Step step;
            if (keyIndex >= 0) {
                step = keyStep(field.schema(), keyIndex > 0);
            } else if (field.name().equals(stream.timeField())) {
                step = timeStep(field.schema(), stream.timeInMicros());
            } else {
                step = skipStep(field.schema());
            }
            fields[field.pos()] = step;
        }
    }

    /**
     * Scans one Avro body.
     *
     * @return the thread's scan result, valid until this thread's next scan
     * @throws InvalidEventException when the bytes are not exactly one record of the schema
     */
    Scan scan(byte[] bytes, int offset, int length) throws InvalidEventException {
        return scan(bytes, offset, length, SCRATCH.get());
    }

    /** The calling thread's scratch, for callers that scan many events on one thread. */
    static Scan threadScratch() {
        return SCRATCH.get();
    }

    /** As above, into {@code scan}, which the caller keeps to one thread (no thread-local lookup per event). */
    Scan scan(byte[] bytes, int offset, int length, Scan scan) throws InvalidEventException {
        scan.keyLength = 0;
        scan.eventTimeMs = 0;
        scan.itemBudget = length;
        scan.bodyLength = length;
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, offset, length, scan.decoder);
        scan.decoder = in;
        try {
            for (Step step : fields) {
                step.run(in, scan);
            }
            if (!in.isEnd()) {
                throw new InvalidEventException("Avro body has trailing bytes after the record");
            }
        } catch (EOFException e) {
            throw new InvalidEventException("Avro body ends before the record does (truncated?)");
        } catch (IOException | RuntimeException e) {
            // garbage input surfaces as many exception types inside Avro's decoder; each is a refusal, not a fault
            throw new InvalidEventException("Avro body is not a record of the schema: " + e);
        }
        return scan;
    }

    private static Step keyStep(Schema schema, boolean separator) {
        if (schema.getType() == Schema.Type.UNION) {
            List<Schema> branches = schema.getTypes();
            Step[] steps = new Step[branches.size()];
            for (int i = 0; i < steps.length; i++) {
                Schema branch = branches.get(i);
                steps[i] = branch.getType() == Schema.Type.STRING ? (in, scan) -> scan.appendKey(in, separator)
                        : separator ? sequence((in, scan) -> appendSeparator(scan), skipStep(branch)) : skipStep(branch);
            }
            return union(steps);
        }
        if (schema.getType() == Schema.Type.STRING) {
            return (in, scan) -> scan.appendKey(in, separator);
        }
        // a non-string key field takes part in the key by its text form on the JSON path only; binary keeps bytes
        return skipStep(schema);
    }

    private static void appendSeparator(Scan scan) {
        if (scan.keyLength + 1 > scan.key.length) {
            scan.key = Arrays.copyOf(scan.key, scan.key.length * 2);
        }
        scan.key[scan.keyLength++] = (byte) StreamSchema.SERIES_SEPARATOR;
    }

    private static Step timeStep(Schema schema, boolean micros) {
        Step read = (in, scan) -> {
            long t = in.readLong();
            scan.eventTimeMs = micros ? t / 1000 : t;
        };
        if (schema.getType() == Schema.Type.UNION) {
            List<Schema> branches = schema.getTypes();
            Step[] steps = new Step[branches.size()];
            for (int i = 0; i < steps.length; i++) {
                steps[i] = branches.get(i).getType() == Schema.Type.LONG ? read : skipStep(branches.get(i));
            }
            return union(steps);
        }
        return read;
    }

    private static Step sequence(Step first, Step second) {
        return (in, scan) -> {
            first.run(in, scan);
            second.run(in, scan);
        };
    }

    private static Step union(Step[] branches) {
        return (in, scan) -> {
            int index = in.readIndex();
            if (index < 0 || index >= branches.length) {
                throw new IOException("union branch " + index + " does not exist (" + branches.length + " branches)");
            }
            branches[index].run(in, scan);
        };
    }

    private static Step skipStep(Schema schema) {
        return switch (schema.getType()) {
            case NULL -> (in, scan) -> { };
            case BOOLEAN -> (in, scan) -> in.readBoolean();
            case INT -> (in, scan) -> in.readInt();
            case LONG -> (in, scan) -> in.readLong();
            case FLOAT -> (in, scan) -> in.readFloat();
            case DOUBLE -> (in, scan) -> in.readDouble();
            case STRING, BYTES -> (in, scan) -> {
                int length = in.readInt();
                if (length < 0) {
                    throw new IOException("negative length " + length);
                }
                in.skipFixed(length);
            };
            case FIXED -> {
                int size = schema.getFixedSize();
                yield (in, scan) -> in.skipFixed(size);
            }
            case ENUM -> {
                int symbols = schema.getEnumSymbols().size();
                yield (in, scan) -> {
                    int index = in.readEnum();
                    if (index < 0 || index >= symbols) {
                        throw new IOException("enum index " + index + " not among " + symbols + " symbols");
                    }
                };
            }
            case RECORD -> {
                List<Step> steps = new ArrayList<>();
                for (Schema.Field field : schema.getFields()) {
                    steps.add(skipStep(field.schema()));
                }
                Step[] all = steps.toArray(new Step[0]);
                yield (in, scan) -> {
                    for (Step step : all) {
                        step.run(in, scan);
                    }
                };
            }
            case ARRAY -> {
                Step element = skipStep(schema.getElementType());
                yield (in, scan) -> {
                    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
                        items(scan, n);
                        for (long i = 0; i < n; i++) {
                            element.run(in, scan);
                        }
                    }
                };
            }
            case MAP -> {
                Step value = skipStep(schema.getValueType());
                Step key = skipStep(Schema.create(Schema.Type.STRING));
                yield (in, scan) -> {
                    for (long n = in.readMapStart(); n != 0; n = in.mapNext()) {
                        items(scan, n);
                        for (long i = 0; i < n; i++) {
                            key.run(in, scan);
                            value.run(in, scan);
                        }
                    }
                };
            }
            case UNION -> {
                List<Schema> branches = schema.getTypes();
                Step[] steps = new Step[branches.size()];
                for (int i = 0; i < steps.length; i++) {
                    steps[i] = skipStep(branches.get(i));
                }
                yield union(steps);
            }
        };
    }

    /** Bounds array and map item counts by the body size, so a forged count cannot spin the gateway. */
    private static void items(Scan scan, long n) throws IOException {
        scan.itemBudget -= n;
        if (n < 0 || scan.itemBudget < 0) {
            throw new IOException("item count " + n + " exceeds what the body can hold");
        }
    }
}
