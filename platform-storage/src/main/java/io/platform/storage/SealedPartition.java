package io.platform.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One time partition of a stream whose raw rows were moved into a columnar segment file.
 *
 * @param file the segment's file name, relative to the store's segment directory for the stream
 */
public record SealedPartition(String stream, long fromMs, long toMs, long rows, String file) {
    byte[] toManifest() {
        byte[] name = file.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(16 + name.length).putLong(toMs).putLong(rows).put(name).array();
    }

    static SealedPartition fromManifest(String stream, long fromMs, byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value);
        long toMs = in.getLong();
        long rows = in.getLong();
        return new SealedPartition(stream, fromMs, toMs, rows, new String(value, 16, value.length - 16, StandardCharsets.UTF_8));
    }
}
