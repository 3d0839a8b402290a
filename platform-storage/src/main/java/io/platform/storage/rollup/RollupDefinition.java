package io.platform.storage.rollup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a rollup keeps: for each series of {@code stream} and each {@code widthMs} bucket of event time, the row count
 * and, for each of {@code fields}, the count, sum, min and max of its values. {@code select} is the query that defined
 * it, kept so that the view shows the columns it was created with. Immutable.
 */
public record RollupDefinition(String name, String stream, long widthMs, List<String> fields, String select) {
    public RollupDefinition {
        if (widthMs <= 0) {
            throw new IllegalArgumentException("rollup width must be positive: widthMs=" + widthMs);
        }
        fields = List.copyOf(fields);
    }

    /** The start of the bucket holding {@code timeMs}. */
    public long bucketOf(long timeMs) {
        return Math.floorDiv(timeMs, widthMs) * widthMs;
    }

    /** The index of {@code field} among {@link #fields}, or -1. */
    public int fieldIndex(String field) {
        return fields.indexOf(field);
    }

    byte[] toSetting(boolean ready) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1); // layout version
            out.writeUTF(name);
            out.writeUTF(stream);
            out.writeLong(widthMs);
            out.writeShort(fields.size());
            for (String field : fields) {
                out.writeUTF(field);
            }
            out.writeUTF(select);
            out.writeBoolean(ready);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A stored definition and whether its backfill had finished. */
    record Stored(RollupDefinition definition, boolean ready) {
    }

    static Stored fromSetting(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            in.readByte();
            String name = in.readUTF();
            String stream = in.readUTF();
            long widthMs = in.readLong();
            int count = in.readShort();
            List<String> fields = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                fields.add(in.readUTF());
            }
            String select = in.readUTF();
            return new Stored(new RollupDefinition(name, stream, widthMs, fields, select), in.readBoolean());
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable rollup definition: " + e.getMessage(), e);
        }
    }
}
