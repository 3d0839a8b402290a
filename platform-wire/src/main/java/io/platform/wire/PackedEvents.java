package io.platform.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.utils.Utils;

/**
 * Many events of one stream and Kafka partition in one record value: what the gateway writes for a batch frame when
 * {@code gateway.pack-batches} is on. Kafka's cost is mostly per record (the producer's send and callback, the
 * consumers' record parsing), so a record per batch and partition instead of per event is where the gateway gets ahead
 * of a plain producer writing one record per event (docs/benchmarks.md). Each entry keeps the event exactly as a
 * single record would hold it ({@link WireFormat}), with the series and event time beside it, so no consumer decodes
 * to route or order. The price: tools that read one Confluent-framed event per record (Confluent's deserializers)
 * cannot read packed records; the platform's consumers read both.
 * <pre>
 * record value: magic 'P' (0x50):u8 | version 1:u8 | count:i32 | entry * count
 * entry:        seriesLen:u16 | series UTF-8 | eventTimeMs:i64 | valueLength:i32 | value (wire format)
 * </pre>
 * The magic differs from the wire format's 0, so one byte tells a packed record from a single event.
 */
public final class PackedEvents {
    public static final byte MAGIC = 'P';
    public static final byte VERSION = 1;
    static final int HEADER_LENGTH = 2 + Integer.BYTES;
    /** Entries of one record at most: a storage key holds the entry's index in 15 bits ({@link #rowPartitionField}). */
    public static final int MAX_ENTRIES = Short.MAX_VALUE;

    private PackedEvents() {
    }

    /** True when {@code value} is a packed record rather than one wire-format event. */
    public static boolean isPacked(byte[] value) {
        return value != null && value.length >= HEADER_LENGTH && value[0] == MAGIC;
    }

    /** Null when {@code record} is a whole packed record, else what is wrong with it: a walk over the lengths alone. */
    public static String malformation(byte[] record) {
        try {
            Cursor cursor = new Cursor(record);
            cursor.decodeSeries = false;
            while (cursor.next()) {
                // lengths are checked as the cursor moves
            }
            return null;
        } catch (MalformedException e) {
            return e.getMessage();
        }
    }

    /**
     * The partition Kafka's default partitioner gives a record keyed {@code seriesKey} on a topic of
     * {@code partitions}: packed records go to the partition each of their events would have gone to alone, so a
     * series stays on one partition (and in order) whichever way its events travel.
     */
    public static int partitionOf(byte[] seriesKey, int partitions) {
        return Utils.toPositive(Utils.murmur2(seriesKey)) % partitions;
    }

    /**
     * The partition field of a stored row's key for entry {@code index} of a record on {@code partition}: the index in
     * the high 15 bits keeps the rows of one record's entries apart (same series and time is allowed), and entry 0,
     * like a single-event record, keeps the plain partition number. Needs partition numbers under 65,536.
     */
    public static int rowPartitionField(int partition, int index) {
        return (index << 16) | partition;
    }

    /** Builds one packed record; reusable after {@link #reset}. Not thread-safe. */
    public static final class Writer {
        private byte[] buffer = new byte[4096];
        private int length = HEADER_LENGTH;
        private int count;

        public int count() {
            return count;
        }

        /** Bytes of the record so far. */
        public int length() {
            return length;
        }

        /** Appends one event: its series key (UTF-8), event time and wire-format value at {@code offset}. */
        public void add(byte[] seriesKey, long eventTimeMs, byte[] value, int offset, int valueLength) {
            if (count == MAX_ENTRIES) {
                throw new IllegalStateException("a packed record holds at most " + MAX_ENTRIES + " events");
            }
            if (seriesKey.length > 0xffff) {
                throw new IllegalArgumentException("series key of " + seriesKey.length + " bytes: at most 65535");
            }
            ensure(2 + seriesKey.length + Long.BYTES + Integer.BYTES + valueLength);
            putShort(seriesKey.length);
            System.arraycopy(seriesKey, 0, buffer, length, seriesKey.length);
            length += seriesKey.length;
            putLong(eventTimeMs);
            putInt(valueLength);
            System.arraycopy(value, offset, buffer, length, valueLength);
            length += valueLength;
            count++;
        }

        /** The record value of the events added so far. */
        public byte[] toBytes() {
            byte[] out = Arrays.copyOf(buffer, length);
            out[0] = MAGIC;
            out[1] = VERSION;
            out[2] = (byte) (count >>> 24);
            out[3] = (byte) (count >>> 16);
            out[4] = (byte) (count >>> 8);
            out[5] = (byte) count;
            return out;
        }

        public void reset() {
            length = HEADER_LENGTH;
            count = 0;
        }

        private void ensure(int more) {
            if (length + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
            }
        }

        private void putShort(int v) {
            buffer[length++] = (byte) (v >>> 8);
            buffer[length++] = (byte) v;
        }

        private void putInt(int v) {
            buffer[length++] = (byte) (v >>> 24);
            buffer[length++] = (byte) (v >>> 16);
            buffer[length++] = (byte) (v >>> 8);
            buffer[length++] = (byte) v;
        }

        private void putLong(long v) {
            putInt((int) (v >>> 32));
            putInt((int) v);
        }
    }

    /**
     * Walks the entries of a packed record: {@code while (cursor.next()) { ... }}. Checks every length against the
     * record, so a corrupt record ends in {@link MalformedException} instead of reading garbage. Not thread-safe.
     */
    public static final class Cursor {
        private final byte[] record;
        private final int count;
        private int index = -1;
        private int position = HEADER_LENGTH;
        private String series;
        private boolean decodeSeries = true;
        private long eventTimeMs;
        private int valueOffset;
        private int valueLength;

        public Cursor(byte[] record) {
            if (!isPacked(record)) {
                throw new MalformedException("not a packed record: it does not start with magic 'P'");
            }
            if (record[1] != VERSION) {
                throw new MalformedException("packed record version " + record[1] + ": this platform reads version " + VERSION);
            }
            this.record = record;
            this.count = readInt(2);
            if (count < 0 || count > MAX_ENTRIES) {
                throw new MalformedException("packed record count " + count + " not in 0.." + MAX_ENTRIES);
            }
        }

        public int count() {
            return count;
        }

        /** Moves to the next entry; false after the last. */
        public boolean next() {
            if (index + 1 >= count) {
                if (position != record.length) {
                    throw new MalformedException((record.length - position) + " bytes after the last of " + count + " entries");
                }
                return false;
            }
            index++;
            need(2);
            int seriesLength = ((record[position] & 0xff) << 8) | (record[position + 1] & 0xff);
            position += 2;
            need(seriesLength + Long.BYTES + Integer.BYTES);
            series = decodeSeries ? new String(record, position, seriesLength, StandardCharsets.UTF_8) : null;
            position += seriesLength;
            eventTimeMs = ((long) readInt(position) << 32) | (readInt(position + 4) & 0xffffffffL);
            position += Long.BYTES;
            valueLength = readInt(position);
            position += Integer.BYTES;
            if (valueLength < 0) {
                throw new MalformedException("entry " + index + " has a negative value length");
            }
            need(valueLength);
            valueOffset = position;
            position += valueLength;
            return true;
        }

        /** The current entry's index in the record, from 0. */
        public int index() {
            return index;
        }

        public String series() {
            return series;
        }

        public long eventTimeMs() {
            return eventTimeMs;
        }

        public int valueOffset() {
            return valueOffset;
        }

        public int valueLength() {
            return valueLength;
        }

        /** The current entry's wire-format value, copied out. */
        public byte[] value() {
            return Arrays.copyOfRange(record, valueOffset, valueOffset + valueLength);
        }

        private void need(int bytes) {
            if (position + bytes > record.length) {
                throw new MalformedException("entry " + index + " of " + count + " overruns the record of " + record.length + " bytes");
            }
        }

        private int readInt(int at) {
            return ((record[at] & 0xff) << 24) | ((record[at + 1] & 0xff) << 16) | ((record[at + 2] & 0xff) << 8) | (record[at + 3] & 0xff);
        }
    }

    /** A packed record that does not hold together. */
    public static final class MalformedException extends RuntimeException {
        public MalformedException(String message) {
            super(message);
        }
    }
}
