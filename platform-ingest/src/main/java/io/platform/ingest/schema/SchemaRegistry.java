package io.platform.ingest.schema;

import io.platform.wire.TopicNames;
import io.platform.wire.schema.ProtoSchema;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import io.platform.observability.logging.AuditLog;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Registers stream schemas. A new version must satisfy the stream's {@link Compatibility} rule (BACKWARD unless the
 * stream names another, the Confluent default). Registering a schema identical to the latest returns the existing
 * version, so registration is idempotent. Ids are global and increase; ids below
 * {@link #FIRST_USER_ID} are reserved for platform records.
 * Thread-safe. Registrations in one registry are serialized; registries of several gateways on one cluster may race
 * for the same next id or version, and the {@code _schemas} log decides: each registry waits until its catalog has
 * read its own record back and, if an earlier record took the id or version (see {@link SchemaCatalog}), registers
 * again from the catalog as it now stands.
 */
public final class SchemaRegistry {
    public static final int FIRST_USER_ID = 100;
    /** Registrations lost to other registries before one gives up: each loss means another registry made progress. */
    static final int MAX_ATTEMPTS = 20;

    private final SchemaCatalog catalog;
    private final Producer<byte[], byte[]> producer;
    private final StreamTopics topics;
    private final String aggregateView;

    public SchemaRegistry(SchemaCatalog catalog, Producer<byte[], byte[]> producer, StreamTopics topics, String aggregateView) {
        this.catalog = catalog;
        this.producer = producer;
        this.topics = topics;
        this.aggregateView = aggregateView;
    }

    /**
     * Registers {@code schemaJson} as the next version of {@code stream}.
     *
     * @param timeField the event-time field, or null to infer it
     * @param keyFields the series-key fields, or null to use the string fields
     * @throws IncompatibleSchemaException when the schema is malformed, unfit as a stream schema or incompatible
     */
    public StreamSchema register(String stream, String schemaJson, String timeField, List<String> keyFields)
            throws IncompatibleSchemaException {
        return register(stream, schemaJson, timeField, keyFields, null);
    }

    /**
     * As {@link #register(String, String, String, List)}, also setting the stream's compatibility rule for this and
     * later versions (null keeps the stream's current rule).
     */
    public StreamSchema register(String stream, String schemaJson, String timeField, List<String> keyFields,
                                 String compatibility) throws IncompatibleSchemaException {
        return register(stream, schemaJson, timeField, keyFields, compatibility, 0, (short) 0);
    }

    /**
     * As above, also naming the partitions and replication factor of the stream's topics (0 for the node's defaults;
     * they take effect when the topics are created, i.e. at the first registration).
     */
    public StreamSchema register(String stream, String schemaJson, String timeField, List<String> keyFields,
                                 String compatibility, int partitions, short replication) throws IncompatibleSchemaException {
        return register(stream, schemaJson, timeField, keyFields, compatibility, partitions, replication, StreamTopics.Durability.ASYNC);
    }

    /** As above, also choosing the stream's {@link StreamTopics.Durability} (applies when its topics are created). */
    public StreamSchema register(String stream, String schemaJson, String timeField, List<String> keyFields,
                                 String compatibility, int partitions, short replication,
                                 StreamTopics.Durability durability) throws IncompatibleSchemaException {
        return register(stream, StreamSchema.Format.AVRO, schemaJson, timeField, keyFields, compatibility, partitions,
                replication, durability);
    }

    /**
     * As above, with the schema's format: {@code schemaText} is Avro JSON, or a proto3 file for
     * {@link StreamSchema.Format#PROTOBUF} (see {@link ProtoSchema} for what a stream's message may hold). A stream
     * keeps the format of its first version.
     */
    public StreamSchema register(String stream, StreamSchema.Format format, String schemaText, String timeField,
                                 List<String> keyFields, String compatibility, int partitions, short replication,
                                 StreamTopics.Durability durability) throws IncompatibleSchemaException {
        return register(stream, format, schemaText, timeField, keyFields, compatibility, partitions, replication, durability, null);
    }

    /**
     * As above, also choosing how the gateway writes the stream's batch frames ({@link StreamSchema.BatchPacking}; null
     * keeps the stream's current choice, the node's default for a new stream). A version that changes only the
     * packing is a new version, as one that changes only the compatibility rule is.
     */
    public synchronized StreamSchema register(String stream, StreamSchema.Format format, String schemaText, String timeField,
                                              List<String> keyFields, String compatibility, int partitions, short replication,
                                              StreamTopics.Durability durability, StreamSchema.BatchPacking packing)
            throws IncompatibleSchemaException {
        if (partitions < 0 || partitions > 10_000 || replication < 0 || replication > 16) {
            throw new IncompatibleSchemaException("partitions must be 1..10000 and replication 1..16 (0 or absent: the node's defaults)");
        }
        String nameError = TopicNames.streamNameError(stream);
        if (nameError != null) {
            throw new IncompatibleSchemaException(nameError);
        }
        Schema schema;
        ProtoSchema proto = null;
        if (format == StreamSchema.Format.PROTOBUF) {
            try {
                proto = ProtoSchema.parse(schemaText);
            } catch (IllegalArgumentException e) {
                throw new IncompatibleSchemaException("malformed Protobuf schema for stream=" + stream + ": " + e.getMessage());
            }
            schema = proto.avroSchema();
        } else {
            try {
                schema = new Schema.Parser().parse(schemaText);
            } catch (SchemaParseException | NullPointerException e) {
                throw new IncompatibleSchemaException("malformed Avro schema for stream=" + stream + ": " + e.getMessage());
            }
        }
        for (int attempt = 1; ; attempt++) {
            StreamSchema registered = registerOnce(stream, format, schema, proto, timeField, keyFields, compatibility,
                    partitions, replication, durability, packing);
            if (registered != null) {
                return registered;
            }
            if (attempt == MAX_ATTEMPTS) {
                throw new IllegalStateException("schema for stream=" + stream + " lost " + MAX_ATTEMPTS
                        + " times in a row to registrations by other gateways; try again");
            }
        }
    }

    /** One attempt: the next version and id as the catalog stands, written to the log; null if an earlier record took them. */
    private StreamSchema registerOnce(String stream, StreamSchema.Format format, Schema schema, ProtoSchema proto, String timeField,
                                      List<String> keyFields, String compatibility, int partitions, short replication,
                                      StreamTopics.Durability durability, StreamSchema.BatchPacking requestedPacking)
            throws IncompatibleSchemaException {
        StreamSchema latest = catalog.latest(stream);
        Compatibility rule = compatibility != null ? Compatibility.parse(compatibility)
                : Compatibility.parse(latest != null ? latest.compatibility() : StreamSchema.DEFAULT_COMPATIBILITY);
        StreamSchema.BatchPacking packing = requestedPacking != null ? requestedPacking
                : latest != null ? latest.batchPacking() : StreamSchema.BatchPacking.NODE_DEFAULT;
        if (latest != null) {
            if (latest.format() != format) {
                throw new IncompatibleSchemaException("schema incompatible stream=" + stream + " is declared in "
                        + latest.format() + ": register its next version in " + latest.format()
                        + " too (a stream's records keep one encoding), or use a new stream");
            }
            boolean same = proto != null ? latest.source().equals(proto.source()) : latest.schema().equals(schema);
            if (same && rule.name().equals(latest.compatibility()) && packing == latest.batchPacking()) {
                return latest;
            }
            String violation = rule.violation(schema, catalog.versions(stream));
            if (violation == null && proto != null && rule != Compatibility.NONE) {
                for (StreamSchema version : catalog.versions(stream)) {
                    String conflict = ProtoSchema.wireConflict(version.protobuf().proto(), proto);
                    if (conflict != null) {
                        violation = "rule=" + rule + " version=" + version.version() + ": " + conflict;
                        break;
                    }
                }
            }
            if (violation != null) {
                throw new IncompatibleSchemaException("schema incompatible stream=" + stream + " " + violation
                        + ": add new fields with defaults instead of changing or removing fields");
            }
        }
        int id = Math.max(FIRST_USER_ID, catalog.maxId() + 1);
        int version = latest == null ? 1 : latest.version() + 1;
        StreamSchema defined;
        try {
            defined = proto != null ? StreamSchema.defineProtobuf(stream, version, id, proto, timeField, keyFields, rule.name())
                    : StreamSchema.define(stream, version, id, schema, timeField, keyFields, rule.name());
            defined = defined.withBatchPacking(packing);
        } catch (IllegalArgumentException e) {
            throw new IncompatibleSchemaException(e.getMessage());
        }
        topics.ensureStreamTopics(stream, aggregateView, partitions > 0 ? partitions : topics.defaultPartitions(),
                replication > 0 ? replication : topics.defaultReplication(), durability);
        // the id in the key: a losing record for the same version must not replace the winner when the topic is compacted
        byte[] key = (stream + "/" + version + "/" + id).getBytes(StandardCharsets.UTF_8);
        long offset;
        try {
            offset = producer.send(new ProducerRecord<>(TopicNames.SCHEMAS, key, defined.toJson().getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS).offset();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot persist schema stream=" + stream + " to topic=" + TopicNames.SCHEMAS + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted persisting schema", e);
        }
        if (catalog.followsTopic()) {
            if (!catalog.awaitApplied(offset, 30_000)) {
                throw new IllegalStateException("schema stream=" + stream + " was written to topic=" + TopicNames.SCHEMAS
                        + " but not read back within 30 s: is the schema catalog's reader running?");
            }
        } else {
            catalog.apply(defined);
        }
        StreamSchema applied = catalog.byId(id);
        if (applied == null || applied.version() != version || !applied.stream().equals(stream)) {
            return null;
        }
        AuditLog.record("schema.register", stream, "version=" + version + " id=" + id + " format=" + format
                + " compatibility=" + rule.name() + " batchPacking=" + packing);
        return defined;
    }

    public SchemaCatalog catalog() {
        return catalog;
    }
}
