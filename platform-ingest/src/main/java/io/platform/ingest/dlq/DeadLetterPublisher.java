package io.platform.ingest.dlq;

import io.platform.observability.LatencyMetrics;
import io.platform.wire.DeadLetterReasons;
import io.platform.wire.EventHeaders;
import io.platform.wire.TopicNames;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Sends refused events to their stream's dead-letter topic. Thread-safe (the Kafka producer is). */
public final class DeadLetterPublisher {
    public static final String STAGE_DECODE = "decode";
    public static final String STAGE_VALIDATE = "validate";

    private final Producer<byte[], byte[]> producer;
    private final boolean replay;
    private final LatencyMetrics metrics;

    public DeadLetterPublisher(Producer<byte[], byte[]> producer) {
        this(producer, false);
    }

    /** @param replay mark every dead letter as a failed replay ({@link EventHeaders#DLQ_REPLAYED}): parked, not replayed again */
    public DeadLetterPublisher(Producer<byte[], byte[]> producer, boolean replay) {
        this(producer, replay, LatencyMetrics.global());
    }

    /** The same publisher, counting dead letters into {@code metrics}: the node passes its own. */
    public DeadLetterPublisher(Producer<byte[], byte[]> producer, boolean replay, LatencyMetrics metrics) {
        this.producer = producer;
        this.replay = replay;
        this.metrics = metrics;
    }

    /**
     * Publishes the original bytes of a refused event.
     *
     * @return completes when Kafka acknowledged the dead letter, exceptionally if it could not be written
     */
    public CompletableFuture<Void> publish(String stream, byte[] original, String reason, String stage, String contentType) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.DLQ_STAGE, stage.getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.DLQ_TIME_MS, Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.DLQ_CONTENT_TYPE, contentType.getBytes(StandardCharsets.UTF_8));
        if (replay) {
            headers.add(EventHeaders.DLQ_REPLAYED, "true".getBytes(StandardCharsets.UTF_8));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(TopicNames.deadLetter(stream), null, null, null, original, headers), (metadata, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                metrics.count("platform.dlq.events", 1, "stage", stage, "reason", DeadLetterReasons.classify(reason));
                done.complete(null);
            }
        });
        return done;
    }
}
