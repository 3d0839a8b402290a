package io.platform.ingest.dlq;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.platform.ingest.gateway.IngestOutcome;
import io.platform.ingest.gateway.IngestPipeline;
import io.platform.wire.EventHeaders;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.logging.AuditLog;
import io.platform.wire.TopicNames;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Reads and replays a stream's dead-letter topic. {@link #replay} re-ingests every dead letter not yet replayed, after
 * a schema fix for example, inside one Kafka transaction with the replay's consumer offset: accepted events reach
 * {@code ingest.<stream>} exactly once even if the replay is interrupted and run again. Events that fail again go
 * back to the dead-letter topic marked {@link EventHeaders#DLQ_REPLAYED} and are parked: later replays skip them.
 * Thread-safe; replays of one stream are serialized.
 */
public final class DeadLetterTopic {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;
    private final SchemaCatalog catalog;
    private final LatencyMetrics metrics;

    public DeadLetterTopic(String bootstrapServers, SchemaCatalog catalog) {
        this(bootstrapServers, catalog, LatencyMetrics.global());
    }

    /** The same topic reader, counting replays into {@code metrics}: the node passes its own. */
    public DeadLetterTopic(String bootstrapServers, SchemaCatalog catalog, LatencyMetrics metrics) {
        this.bootstrapServers = bootstrapServers;
        this.catalog = catalog;
        this.metrics = metrics;
    }

    /** Counts per stage and reason kind (values in reasons folded, so one cause is one row). */
    public ObjectNode summary(String stream) {
        Map<String, Integer> counts = new TreeMap<>();
        int[] total = {0, 0};
        readAll(stream, 0, Integer.MAX_VALUE, record -> {
            String key = header(record, EventHeaders.DLQ_STAGE) + " | " + reasonKind(header(record, EventHeaders.DLQ_REASON));
            counts.merge(key, 1, Integer::sum);
            total[0]++;
            if (record.headers().lastHeader(EventHeaders.DLQ_REPLAYED) != null) {
                total[1]++;
            }
        });
        ObjectNode out = JSON.createObjectNode().put("stream", stream).put("deadLetters", total[0]).put("parked", total[1]);
        ArrayNode reasons = out.putArray("reasons");
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).forEach(e -> {
            String[] parts = e.getKey().split(" \\| ", 2);
            reasons.addObject().put("stage", parts[0]).put("reason", parts[1]).put("count", e.getValue());
        });
        return out;
    }

    /** The dead letters from {@code fromOffset}, at most {@code limit}, with payloads as text (JSON) or base64 (binary). */
    public ArrayNode events(String stream, long fromOffset, int limit) {
        ArrayNode out = JSON.createArrayNode();
        readAll(stream, fromOffset, limit, record -> {
            ObjectNode event = out.addObject();
            event.put("offset", record.offset()).put("timeMs", Long.parseLong(orElse(header(record, EventHeaders.DLQ_TIME_MS), "0")))
                    .put("stage", header(record, EventHeaders.DLQ_STAGE)).put("reason", header(record, EventHeaders.DLQ_REASON))
                    .put("parked", record.headers().lastHeader(EventHeaders.DLQ_REPLAYED) != null);
            String contentType = orElse(header(record, EventHeaders.DLQ_CONTENT_TYPE), IngestPipeline.JSON_CONTENT);
            if (contentType.equals(IngestPipeline.JSON_CONTENT)) {
                event.put("payload", new String(record.value(), StandardCharsets.UTF_8));
            } else {
                event.put("payloadBase64", Base64.getEncoder().encodeToString(record.value()));
            }
        });
        return out;
    }

    /**
     * Replays the dead letters of {@code stream} that no earlier replay has handled.
     *
     * @return counts: replayed (now accepted), failedAgain (parked), skippedParked
     */
    public synchronized ObjectNode replay(String stream) throws IOException {
        StreamSchema schema = catalog.latest(stream);
        if (schema == null) {
            throw new IOException(IngestPipeline.unknownStream(stream));
        }
        TopicPartition partition = new TopicPartition(TopicNames.deadLetter(stream), 0);
        String group = "platform-dlq-replay-" + stream;
        int accepted = 0;
        int failedAgain = 0;
        int skipped = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(group));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(transactionalProducerProps(group))) {
            producer.initTransactions();
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
            consumer.seek(partition, committed == null ? 0 : committed.offset());
            IngestPipeline replayPipeline = new IngestPipeline(catalog, producer, new DeadLetterPublisher(producer, true, metrics), false,
                    metrics);
            producer.beginTransaction();
            List<CompletableFuture<IngestOutcome>> outcomes = new ArrayList<>();
            // the consumer's position, not the last record's offset, marks progress: transaction markers of earlier
            // replays occupy offsets that no record is returned for
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() >= end) {
                        break;
                    }
                    if (record.headers().lastHeader(EventHeaders.DLQ_REPLAYED) != null || record.value() == null
                            || "false".equals(header(record, EventHeaders.DLQ_REPLAYABLE))) {
                        skipped++;
                        continue;
                    }
                    outcomes.add(reingest(replayPipeline, stream, record));
                }
            }
            for (CompletableFuture<IngestOutcome> outcome : outcomes) {
                IngestOutcome result = outcome.get(60, TimeUnit.SECONDS);
                switch (result.status()) {
                    case ACCEPTED -> accepted++;
                    case REJECTED -> failedAgain++;
                    case FAILED -> throw new IOException("replay stopped, nothing committed: " + result.reason());
                }
            }
            producer.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(end)), consumer.groupMetadata());
            producer.commitTransaction();
            metrics.count("platform.dlq.replays", accepted, "outcome", "replayed");
            metrics.count("platform.dlq.replays", failedAgain, "outcome", "parked");
            AuditLog.record("dlq.replay", stream, "replayed=" + accepted + " parked=" + failedAgain + " skipped=" + skipped);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("replay of stream=" + stream + " failed, nothing committed: " + e.getMessage(), e);
        }
        return JSON.createObjectNode().put("stream", stream).put("replayed", accepted).put("failedAgain", failedAgain)
                .put("skippedParked", skipped);
    }

    private static CompletableFuture<IngestOutcome> reingest(IngestPipeline pipeline, String stream,
            ConsumerRecord<byte[], byte[]> record) {
        String contentType = orElse(header(record, EventHeaders.DLQ_CONTENT_TYPE), IngestPipeline.JSON_CONTENT);
        byte[] payload = record.value();
        if (!contentType.equals(IngestPipeline.JSON_CONTENT)) {
            return pipeline.ingestWire(stream, payload, 0, payload.length, 0);
        }
        JsonNode json;
        try {
            json = JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            return pipeline.rejectUnparseable(stream, payload, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return pipeline.rejectUnparseable(stream, payload, "unreadable payload: " + e.getMessage());
        }
        return pipeline.ingestJson(pipeline.catalog().latest(stream), json, payload, 0);
    }

    private interface RecordVisitor {
        void visit(ConsumerRecord<byte[], byte[]> record);
    }

    private void readAll(String stream, long fromOffset, int limit, RecordVisitor visitor) {
        TopicPartition partition = new TopicPartition(TopicNames.deadLetter(stream), 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(null))) {
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            consumer.seek(partition, Math.max(fromOffset, consumer.beginningOffsets(List.of(partition)).get(partition)));
            int seen = 0;
            while (consumer.position(partition) < end && seen < limit) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() >= end || seen >= limit) {
                        break;
                    }
                    visitor.visit(record);
                    seen++;
                }
            }
        }
    }

    private Properties consumerProps(String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return props;
    }

    private Properties transactionalProducerProps(String transactionalId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String orElse(String value, String fallback) {
        return value == null ? fallback : value;
    }

    /** A reason with its event-specific values folded: quoted text to "…", numbers to N. */
    static String reasonKind(String reason) {
        if (reason == null) {
            return "(no reason)";
        }
        return reason.replaceAll("\"[^\"]*\"", "\"…\"").replaceAll("\\b\\d+\\b", "N");
    }
}
