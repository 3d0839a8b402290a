package io.platform.storage.ingest;

import io.opentelemetry.api.trace.SpanContext;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import io.platform.observability.StageLatency;
import io.platform.observability.tracing.Tracing;
import io.platform.storage.StoreBatch;
import io.platform.storage.TimeSeriesStore;
import io.platform.storage.qos.IoBudget;
import io.platform.wire.DeadLetterReasons;
import io.platform.wire.EpochClock;
import io.platform.wire.EventHeaders;
import io.platform.wire.PackedEvents;
import io.platform.wire.TopicNames;
import io.platform.wire.aggregate.WindowAggregate;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.WireRecordDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves records from Kafka into the {@link TimeSeriesStore}. Offsets live in the store, written in the same atomic
 * batch as the rows, and Kafka's committed offsets are not used: on (re)assignment each partition resumes exactly after
 * the last row storage holds. One thread; start with {@link #start()}.
 */
public final class StorageWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageWriter.class);
    private static final Pattern TOPICS = Pattern.compile(TopicNames.INGEST_TOPICS.pattern() + "|" + TopicNames.AGG_TOPICS.pattern());

    private final TimeSeriesStore store;
    private final SchemaCatalog catalog;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final LatencyMetrics metrics;
    private final StageLatency commitLatency;
    private final StageLatency endToEndLatency;
    // decodes only what reached Kafka without the gateway, so it waits for a just-registered schema id
    private final WireRecordDecoder records;
    private final CopyOnWriteArrayList<Consumer<Collection<String>>> commitListeners = new CopyOnWriteArrayList<>();
    private final Map<MetricName, ? extends Metric> consumerMetrics;
    private final Producer<byte[], byte[]> deadLetters;
    private final Pattern topics;
    private final IoBudget budget;
    private volatile boolean running = true;
    private volatile Throwable failure;

    public StorageWriter(String bootstrapServers, TimeSeriesStore store, SchemaCatalog catalog) {
        this(bootstrapServers, store, catalog, TOPICS, "platform-storage", null);
    }

    /**
     * A writer for the topics {@code topics} matches (see {@link #topicsOf} and {@link #topicsExcept}), named
     * {@code name} (its consumer group, client id and thread), committing each batch only once {@code budget} admits
     * its bytes (null: no budget). Bulk streams get writers of their own with a budget, so waiting for it never holds
     * back the rows of latency-sensitive streams.
     */
    public StorageWriter(String bootstrapServers, TimeSeriesStore store, SchemaCatalog catalog, Pattern topics, String name,
                         IoBudget budget) {
        this(bootstrapServers, store, catalog, topics, name, budget, LatencyMetrics.global());
    }

    /** The same writer, recording its stages and dead letters into {@code metrics}: the node passes its own. */
    public StorageWriter(String bootstrapServers, TimeSeriesStore store, SchemaCatalog catalog, Pattern topics, String name,
                         IoBudget budget, LatencyMetrics metrics) {
        this.metrics = metrics;
        this.commitLatency = metrics.stage(Stage.STORE_COMMIT);
        this.endToEndLatency = metrics.stage(Stage.END_TO_END);
        this.store = store;
        this.catalog = catalog;
        this.records = new WireRecordDecoder(catalog, null, 5000);
        this.topics = topics;
        this.budget = budget;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, name);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The broker answers a fetch as soon as fetch.min.bytes (1) arrived, so this wait bounds only an idle poll: a row
        // waits for no timer on its way to storage. 2 ms here cost an idle node 22% of a core in 500 empty fetches/s.
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, name + "-writer");
        this.consumer = new KafkaConsumer<>(props);
        this.consumerMetrics = consumer.metrics();
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.deadLetters = new KafkaProducer<>(producerProps);
        this.thread = new Thread(this::run, name + "-writer");
        thread.setDaemon(true);
    }

    /** The ingest and aggregate topics of {@code streams}. */
    public static Pattern topicsOf(Set<String> streams) {
        String names = streams.stream().map(Pattern::quote).collect(Collectors.joining("|"));
        return Pattern.compile("(?:" + Pattern.quote(TopicNames.INGEST_PREFIX) + "(?:" + names + ")|" + Pattern.quote(TopicNames.AGG_PREFIX)
                + "(?:" + names + ")\\.[A-Za-z0-9_\\-]+)");
    }

    /** Every ingest and aggregate topic except those of {@code streams}. */
    public static Pattern topicsExcept(Set<String> streams) {
        if (streams.isEmpty()) {
            return TOPICS;
        }
        return Pattern.compile("(?!" + topicsOf(streams).pattern() + "$)(?:" + TOPICS.pattern() + ")");
    }

    /** Called after each commit with the streams whose data changed (for cache invalidation). */
    public void onCommit(Consumer<Collection<String>> listener) {
        commitListeners.add(listener);
    }

    public void start() {
        consumer.subscribe(topics, new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                for (TopicPartition tp : partitions) {
                    long next = store.committedOffset(tp.topic(), tp.partition());
                    if (next >= 0) {
                        consumer.seek(tp, next);
                    } else {
                        consumer.seekToBeginning(List.of(tp));
                    }
                }
            }
        });
        thread.start();
    }

    /**
     * The largest lag, in records, of any partition this writer reads: how far storage (and so queries) trails Kafka.
     * Read from the consumer's metrics registry, which is safe from any thread.
     */
    public long lagRecords() {
        for (var entry : consumerMetrics.entrySet()) {
            if (entry.getKey().name().equals("records-lag-max") && !entry.getKey().tags().containsKey("topic")) {
                Object value = entry.getValue().metricValue();
                return value instanceof Double d && Double.isFinite(d) ? d.longValue() : 0;
            }
        }
        return 0;
    }

    /** True while the writer thread runs without a fault. */
    public boolean healthy() {
        return running && failure == null && thread.isAlive();
    }

    private void run() {
        try (StoreBatch batch = store.newBatch()) {
            Map<TopicPartition, Long> nextOffsets = new HashMap<>();
            Set<String> changedStreams = new HashSet<>();
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                long start = System.nanoTime();
                batch.clear();
                nextOffsets.clear();
                changedStreams.clear();
                long[] sendTimes = new long[records.count()];
                int[] eventCounts = new int[records.count()];
                int raw = 0;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    String topic = record.topic();
                    nextOffsets.put(new TopicPartition(topic, record.partition()), record.offset() + 1);
                    if (record.value() == null) {
                        continue;
                    }
                    String stream = TopicNames.streamOf(topic);
                    changedStreams.add(stream);
                    if (topic.startsWith(TopicNames.AGG_PREFIX)) {
                        putAggregate(batch, record);
                    } else {
                        int events = PackedEvents.isPacked(record.value()) ? putPacked(batch, stream, record)
                                : putRaw(batch, stream, record) ? 1 : 0;
                        if (events > 0) {
                            eventCounts[raw] = events;
                            sendTimes[raw++] = EventHeaders.readTime(record.headers(), EventHeaders.SEND_TIME_OFFSET, 0);
                        }
                    }
                }
                nextOffsets.forEach((tp, next) -> batch.putOffset(tp.topic(), tp.partition(), next));
                if (budget != null) {
                    budget.admit(batch.bytes(), 1);
                }
                long writeStartNs = EpochClock.nowNs();
                store.commit(batch);
                // the rows became queryable between these two reads: spans end here, not when the tracing code below
                // gets to run, and say how long the write took (the thread may lose its core right after the write)
                long nowNs = EpochClock.nowNs();
                traceCommit(records, start, nowNs, nowNs - writeStartNs);
                commitLatency.recordNanos(System.nanoTime() - start);
                for (int i = 0; i < raw; i++) {
                    if (sendTimes[i] > 0) {
                        endToEndLatency.recordNanos(nowNs - sendTimes[i], eventCounts[i]);
                    }
                }
                for (Consumer<Collection<String>> listener : commitListeners) {
                    listener.accept(changedStreams);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
            LOG.error("storage writer stopped: {}; restart the node once the cause is fixed, nothing committed is lost", t.toString(), t);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            deadLetters.close(Duration.ofSeconds(5));
        }
    }

    /**
     * A {@code store.commit} span under each traced batch this commit contained (at most 16 per commit), from the
     * poll to the commit, so a trace shows when its events became queryable.
     */
    private void traceCommit(ConsumerRecords<byte[], byte[]> records, long startNanos, long committedEpochNanos, long writeNanos) {
        Map<String, SpanContext> parents = null;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Header header = record.headers().lastHeader(Tracing.TRACEPARENT);
            if (header == null) {
                continue;
            }
            SpanContext parent = Tracing.parentOf(header.value());
            if (parent != null) {
                if (parents == null) {
                    parents = new HashMap<>();
                }
                if (parents.size() < 16) {
                    parents.putIfAbsent(parent.getSpanId(), parent);
                }
            }
        }
        if (parents == null) {
            return;
        }
        long startEpochNanos = EpochClock.nowNs() - (System.nanoTime() - startNanos);
        for (SpanContext parent : parents.values()) {
            Tracing.global().tracer().spanBuilder("store.commit").setParent(Tracing.contextOf(parent))
                    .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
                    .setAttribute(Tracing.EVENTS, (long) records.count()).setAttribute(Tracing.WRITE_NANOS, writeNanos).startSpan()
                    .end(committedEpochNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void putAggregate(StoreBatch batch, ConsumerRecord<byte[], byte[]> record) {
        try {
            batch.putAggregate(WindowAggregate.fromWire(record.value()));
        } catch (IllegalArgumentException e) {
            LOG.warn("skipping unreadable aggregate topic={} partition={} offset={} reason={}",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    private boolean putRaw(StoreBatch batch, String stream, ConsumerRecord<byte[], byte[]> record) {
        String series = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        long eventTimeMs = EventHeaders.readTime(record.headers(), EventHeaders.EVENT_TIME_OFFSET, Long.MIN_VALUE);
        return putEvent(batch, stream, record, -1, series, eventTimeMs, record.partition(), record.value());
    }

    /**
     * Stores one event of {@code record}: the record's own ({@code entry} -1) or entry {@code entry} of a packed one.
     * {@code eventTimeMs} is {@link Long#MIN_VALUE} when the gateway did not validate the event (the record was
     * produced straight to Kafka): it is validated here, and dead-lettered alone when it does not fit. False then.
     */
    private boolean putEvent(StoreBatch batch, String stream, ConsumerRecord<byte[], byte[]> record, int entry, String series,
                             long eventTimeMs, int partitionField, byte[] value) {
        if (eventTimeMs == Long.MIN_VALUE) {
            String[] reason = {null};
            eventTimeMs = decodeEventTime(stream, value, reason);
            if (reason[0] != null) {
                deadLetter(stream, record, value, entry < 0 ? reason[0] : "entry " + entry + " of a packed record: " + reason[0]);
                return false;
            }
        }
        batch.putRaw(stream, series, eventTimeMs, partitionField, record.offset(), value);
        return true;
    }

    /**
     * Stores the events of a packed record ({@link PackedEvents}), each under a key of its own (the entry's index beside
     * the partition). The gateway validated them when the record carries its times header; otherwise (written to
     * Kafka some other way) each is validated here and one that does not fit is dead-lettered alone. A record that
     * does not hold together is dead-lettered whole. Returns the events stored.
     */
    private int putPacked(StoreBatch batch, String stream, ConsumerRecord<byte[], byte[]> record) {
        String malformation = PackedEvents.malformation(record.value());
        if (malformation != null) {
            // checked before storing any entry: the whole record is in the dead letter, to be mended and replayed whole
            deadLetter(stream, record, record.value(), "malformed packed record: " + malformation);
            return 0;
        }
        boolean validated = EventHeaders.readTime(record.headers(), EventHeaders.EVENT_TIME_OFFSET, Long.MIN_VALUE) != Long.MIN_VALUE;
        int stored = 0;
        PackedEvents.Cursor entries = new PackedEvents.Cursor(record.value());
        while (entries.next()) {
            if (putEvent(batch, stream, record, entries.index(), entries.series(), validated ? entries.eventTimeMs() : Long.MIN_VALUE,
                    PackedEvents.rowPartitionField(record.partition(), entries.index()), entries.value())) {
                stored++;
            }
        }
        return stored;
    }

    /** The event time of a wire-format value of {@code stream}, or sets {@code reason[0]} when it is not one. */
    private long decodeEventTime(String stream, byte[] value, String[] reason) {
        try {
            GenericRecord decoded = records.decodeOrExplain(value, stream);
            return records.lastWriter().eventTimeMs(decoded);
        } catch (WireRecordDecoder.UndecodableException e) {
            reason[0] = e.getMessage();
            return 0;
        }
    }

    /**
     * Sends a record storage cannot take to the stream's dead-letter topic and waits for Kafka's acknowledgement: the
     * record's offset is committed with the next batch, so the dead letter must be durable first. {@code value} is the
     * record's, or one entry's of a packed record.
     */
    private void deadLetter(String stream, ConsumerRecord<byte[], byte[]> record, byte[] value, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.DLQ_REASON, (reason + " (produced to " + record.topic() + " partition " + record.partition()
                + " offset " + record.offset() + " without the gateway)").getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.DLQ_STAGE, "storage".getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.DLQ_TIME_MS, Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.DLQ_CONTENT_TYPE, "application/vnd.platform.wire".getBytes(StandardCharsets.UTF_8));
        try {
            deadLetters.send(new ProducerRecord<>(TopicNames.deadLetter(stream), null, null,
                    record.key(), value, headers)).get(30, TimeUnit.SECONDS);
            metrics.count("platform.dlq.events", 1, "stage", "storage", "reason", DeadLetterReasons.classify(reason));
        } catch (Exception e) {
            throw new IllegalStateException("cannot dead-letter record topic=" + record.topic() + " offset=" + record.offset()
                    + ": " + e.getMessage() + "; the writer stops so that nothing is lost", e);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
