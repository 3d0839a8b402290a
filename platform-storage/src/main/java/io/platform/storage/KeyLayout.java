package io.platform.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Byte layout of storage keys. Timestamps are big-endian with the sign bit flipped, so byte order is time order.
 * <pre>
 * raw:       streamLen:u8 | stream | seriesLen:u16 | series | eventTimeMs:i64^MIN | partition:i32 | offset:i64
 * aggregate: streamLen:u8 | stream | viewLen:u8 | view | seriesLen:u16 | series | windowStartMs:i64^MIN
 * offsets:   topic UTF-8 | '/' | partition decimal      (value: next offset, i64)
 * sealed:    "sealed/" | streamLen:u8 | stream | partitionStartMs:i64^MIN   (value: {@link SealedPartition#toManifest})
 * setting:   "setting/" | name UTF-8                                      (value: the setting's own bytes)
 * </pre>
 * The Kafka partition and offset make a raw key unique per record, so replaying a partition rewrites the same keys:
 * storage writes are idempotent. For an entry of a packed record ({@link io.platform.wire.PackedEvents}) the partition
 * field carries the entry's index in its high 15 bits ({@code PackedEvents.rowPartitionField}), so the entries of
 * one record (which share partition and offset, and may share series and time) keep keys of their own.
 */
final class KeyLayout {
    static final int TIME_LENGTH = 8;
    static final int RAW_SUFFIX_LENGTH = TIME_LENGTH + 4 + 8;

    private KeyLayout() {
    }

    static final byte[] SETTING_TAG = "setting/".getBytes(StandardCharsets.UTF_8);

    static byte[] settingKey(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(SETTING_TAG.length + n.length).put(SETTING_TAG).put(n).array();
    }

    static byte[] streamPrefix(String stream) {
        byte[] name = stream.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + name.length).put((byte) name.length).put(name).array();
    }

    static final byte[] SEALED_TAG = "sealed/".getBytes(StandardCharsets.UTF_8);

    static byte[] sealedPrefix(String stream) {
        byte[] streamPart = streamPrefix(stream);
        return ByteBuffer.allocate(SEALED_TAG.length + streamPart.length).put(SEALED_TAG).put(streamPart).array();
    }

    static byte[] seriesPrefix(byte[] streamPrefix, String series) {
        byte[] s = series.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(streamPrefix.length + 2 + s.length).put(streamPrefix).putShort((short) s.length).put(s).array();
    }

    static byte[] viewPrefix(String stream, String view) {
        byte[] streamPart = streamPrefix(stream);
        byte[] v = view.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(streamPart.length + 1 + v.length).put(streamPart).put((byte) v.length).put(v).array();
    }

    static byte[] rawKey(String stream, String series, long eventTimeMs, int partition, long offset) {
        byte[] prefix = seriesPrefix(streamPrefix(stream), series);
        return ByteBuffer.allocate(prefix.length + RAW_SUFFIX_LENGTH).put(prefix)
                .putLong(eventTimeMs ^ Long.MIN_VALUE).putInt(partition).putLong(offset).array();
    }

    static byte[] aggregateKey(String stream, String view, String series, long windowStartMs) {
        byte[] prefix = seriesPrefix(viewPrefix(stream, view), series);
        return ByteBuffer.allocate(prefix.length + TIME_LENGTH).put(prefix).putLong(windowStartMs ^ Long.MIN_VALUE).array();
    }

    static byte[] withTime(byte[] prefix, long timeMs) {
        return ByteBuffer.allocate(prefix.length + TIME_LENGTH).put(prefix).putLong(timeMs ^ Long.MIN_VALUE).array();
    }

    static byte[] offsetKey(String topic, int partition) {
        return (topic + "/" + partition).getBytes(StandardCharsets.UTF_8);
    }

    /** The series of a key whose series field starts at {@code seriesLengthOffset}. */
    static String series(byte[] key, int seriesLengthOffset) {
        int length = ((key[seriesLengthOffset] & 0xff) << 8) | (key[seriesLengthOffset + 1] & 0xff);
        return new String(key, seriesLengthOffset + 2, length, StandardCharsets.UTF_8);
    }

    static long time(byte[] key, int timeOffset) {
        return ByteBuffer.wrap(key, timeOffset, TIME_LENGTH).getLong() ^ Long.MIN_VALUE;
    }

    static int seriesEnd(byte[] key, int seriesLengthOffset) {
        int length = ((key[seriesLengthOffset] & 0xff) << 8) | (key[seriesLengthOffset + 1] & 0xff);
        return seriesLengthOffset + 2 + length;
    }

    /** The first key after every key starting with {@code prefix}: the prefix with its last byte below 0xff raised. */
    static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        return new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
