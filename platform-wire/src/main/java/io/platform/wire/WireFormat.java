package io.platform.wire;

/**
 * The record value format on every platform topic: one magic byte {@code 0}, a 4-byte big-endian schema id,
 * then the Avro binary body. It is the framing Confluent's serializers use, so standard Kafka tooling reads our topics.
 * Stateless and thread-safe.
 */
public final class WireFormat {
    public static final byte MAGIC = 0;
    public static final int MAGIC_OFFSET = 0;
    public static final int SCHEMA_ID_OFFSET = 1;
    public static final int BODY_OFFSET = 5;
    public static final int HEADER_LENGTH = BODY_OFFSET;

    private WireFormat() {
    }

    /** Frames an Avro body with the given schema id. */
    public static byte[] encode(int schemaId, byte[] body, int bodyOffset, int bodyLength) {
        byte[] out = new byte[HEADER_LENGTH + bodyLength];
        out[MAGIC_OFFSET] = MAGIC;
        writeSchemaId(out, schemaId);
        System.arraycopy(body, bodyOffset, out, BODY_OFFSET, bodyLength);
        return out;
    }

    public static byte[] encode(int schemaId, byte[] body) {
        return encode(schemaId, body, 0, body.length);
    }

    static void writeSchemaId(byte[] out, int schemaId) {
        out[SCHEMA_ID_OFFSET] = (byte) (schemaId >>> 24);
        out[SCHEMA_ID_OFFSET + 1] = (byte) (schemaId >>> 16);
        out[SCHEMA_ID_OFFSET + 2] = (byte) (schemaId >>> 8);
        out[SCHEMA_ID_OFFSET + 3] = (byte) schemaId;
    }

    /**
     * Checks the framing of {@code length} bytes at {@code offset}.
     *
     * @return null when the framing is valid, otherwise the reason it is not
     */
    public static String framingError(byte[] bytes, int offset, int length) {
        if (length < HEADER_LENGTH) {
            return "frame too short: " + length + " bytes, the wire format needs at least " + HEADER_LENGTH;
        }
        if (bytes[offset + MAGIC_OFFSET] != MAGIC) {
            return "unknown magic byte " + bytes[offset + MAGIC_OFFSET] + ", expected 0";
        }
        return null;
    }

    /** The schema id of a framed value; call {@link #framingError} first. */
    public static int schemaId(byte[] bytes, int offset) {
        // by hand, big-endian: the gateway reads one per event, and ByteBuffer.wrap allocated a buffer each time there
        int at = offset + SCHEMA_ID_OFFSET;
        return (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8 | (bytes[at + 3] & 0xff);
    }

    public static int schemaId(byte[] bytes) {
        return schemaId(bytes, 0);
    }
}
