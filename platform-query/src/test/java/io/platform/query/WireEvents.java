package io.platform.query;

import io.platform.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** Events for query tests, as storage keeps them: the platform's wire format (magic, schema id 100, Avro body). */
public final class WireEvents {
    /** The schema id the test catalogs register their schema under. */
    public static final int SCHEMA_ID = 100;
    /** The readings the query tests hold: device (the series key), ts, temperature. */
    public static final Schema READINGS = new Schema.Parser().parse("""
            {"type":"record","name":"R","fields":[{"name":"device","type":"string"},{"name":"ts","type":"long"},
             {"name":"temperature","type":"double"}]}""");

    private WireEvents() {
    }

    /** One record of {@code schema} whose fields take {@code values} in the schema's field order. */
    public static byte[] encode(Schema schema, Object... values) throws IOException {
        return encodeWithId(SCHEMA_ID, schema, values);
    }

    /** As {@link #encode}, framed with another schema id (for a second stream in one catalog). */
    public static byte[] encodeWithId(int schemaId, Schema schema, Object... values) throws IOException {
        GenericRecord record = new GenericData.Record(schema);
        for (int i = 0; i < values.length; i++) {
            record.put(i, values[i]);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return WireFormat.encode(schemaId, out.toByteArray());
    }
}
