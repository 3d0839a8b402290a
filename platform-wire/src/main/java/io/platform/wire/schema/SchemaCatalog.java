package io.platform.wire.schema;

import io.platform.wire.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every registered stream schema, read from the compacted {@code _schemas} topic and kept current by a background
 * reader, so each service sees the ids the registry assigned. Lookups are lock-free reads of concurrent maps; a lookup
 * of an id not yet seen may wait a bounded time for the reader to catch up. Thread-safe.
 * <p>
 * <b>The log decides.</b> Several gateways may register at once against one cluster, each choosing the next id from
 * what it has read. A record is applied only if its id and its stream version are both free, or already hold exactly
 * it; otherwise an earlier record in the log took them and this one is ignored. The topic has one partition, so every
 * reader applies the records in the same order and reaches the same catalog; a registry that finds its own record
 * ignored registers again (see {@code SchemaRegistry}).
 */
public final class SchemaCatalog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaCatalog.class);

    private final Map<Integer, StreamSchema> byId = new ConcurrentHashMap<>();
    private final Map<String, TreeMap<Integer, StreamSchema>> byStream = new ConcurrentHashMap<>();
    // the newest version per stream, read lock-free on every ingested event
    private final Map<String, StreamSchema> latestByStream = new ConcurrentHashMap<>();
    private final List<Consumer<String>> streamListeners = new ArrayList<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition = new TopicPartition(TopicNames.SCHEMAS, 0);
    private final Thread reader;
    private final Object changed = new Object();
    private volatile long readOffset;
    private volatile boolean running = true;

    private SchemaCatalog() {
        this.consumer = null;
        this.reader = null;
    }

    /** A catalog fed only through {@link #apply}, without Kafka: for tools and tests that hold schemas themselves. */
    public static SchemaCatalog detached() {
        return new SchemaCatalog();
    }

    private SchemaCatalog(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "schema-catalog");
        this.consumer = new KafkaConsumer<>(props);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        this.reader = new Thread(this::readLoop, "schema-catalog-reader");
        reader.setDaemon(true);
    }

    /**
     * Opens a catalog on the given cluster and reads {@code _schemas} up to its current end before returning.
     * The topic must exist (the registry creates it).
     */
    public static SchemaCatalog open(String bootstrapServers, Duration catchUpTimeout) {
        SchemaCatalog catalog = new SchemaCatalog(bootstrapServers);
        long end;
        try {
            end = catalog.consumer.endOffsets(List.of(catalog.partition), catchUpTimeout).get(catalog.partition);
        } catch (RuntimeException e) {
            catalog.consumer.close();
            throw new IllegalStateException("cannot read topic=" + TopicNames.SCHEMAS + " bootstrap=" + bootstrapServers
                    + ": " + e.getMessage() + " (is Kafka reachable?)", e);
        }
        catalog.reader.start();
        if (!catalog.awaitOffset(end, catchUpTimeout.toMillis())) {
            LOG.warn("schema catalog did not catch up within {} ms; continuing, lookups will wait", catchUpTimeout.toMillis());
        }
        return catalog;
    }

    private void readLoop() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null && !apply(StreamSchema.fromJson(new String(record.value(), StandardCharsets.UTF_8)))) {
                        LOG.info("schema record at offset {} lost to an earlier registration of its id or version; ignored",
                                record.offset());
                    }
                }
                readOffset = consumer.position(partition);
                synchronized (changed) {
                    changed.notifyAll();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("schema catalog reader stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /**
     * Calls {@code listener} with every stream known now and, from then on, with each stream when its first schema
     * version appears (registered here or read from the topic). The listener runs on the thread that applied the
     * schema: hand long work to an executor.
     */
    public void onNewStream(Consumer<String> listener) {
        synchronized (streamListeners) {
            streamListeners.add(listener);
            streams().forEach(listener);
        }
    }

    /**
     * Adds a schema: read from the topic, or held by a tool or test on a {@link #detached} catalog. False, and nothing
     * changes, when its id or its stream's version already holds another schema (an earlier registration won).
     */
    public synchronized boolean apply(StreamSchema schema) {
        StreamSchema sameId = byId.get(schema.id());
        TreeMap<Integer, StreamSchema> known = byStream.get(schema.stream());
        StreamSchema sameVersion = known == null ? null : known.get(schema.version());
        if (sameId != null || sameVersion != null) {
            return sameId != null && sameVersion != null && sameId.id() == sameVersion.id() && sameId.toJson().equals(schema.toJson());
        }
        byId.put(schema.id(), schema);
        boolean newStream = !byStream.containsKey(schema.stream());
        byStream.computeIfAbsent(schema.stream(), s -> new TreeMap<>());
        TreeMap<Integer, StreamSchema> versions = byStream.get(schema.stream());
        synchronized (versions) {
            versions.put(schema.version(), schema);
            latestByStream.put(schema.stream(), versions.lastEntry().getValue());
        }
        synchronized (changed) {
            changed.notifyAll();
        }
        if (newStream) {
            synchronized (streamListeners) {
                streamListeners.forEach(listener -> listener.accept(schema.stream()));
            }
        }
        return true;
    }

    /** Whether a reader follows the topic (false for a {@link #detached} catalog). */
    public boolean followsTopic() {
        return reader != null;
    }

    /**
     * Waits until the reader has applied the topic up to and including {@code offset}; false when {@code timeoutMs}
     * passed first. How a registry learns whether its own record won.
     */
    public boolean awaitApplied(long offset, long timeoutMs) {
        return awaitOffset(offset + 1, timeoutMs);
    }

    private boolean awaitOffset(long offset, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (changed) {
            while (readOffset < offset) {
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0) {
                    return false;
                }
                try {
                    changed.wait(leftMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** The schema with this id, or null if none is registered. Non-blocking. */
    public StreamSchema byId(int id) {
        return byId.get(id);
    }

    /** The schema with this id, waiting up to {@code waitMs} for the reader to see a just-registered one; null if none. */
    public StreamSchema awaitById(int id, long waitMs) {
        StreamSchema schema = byId.get(id);
        if (schema != null || waitMs <= 0) {
            return schema;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        synchronized (changed) {
            while ((schema = byId.get(id)) == null) {
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0) {
                    return null;
                }
                try {
                    changed.wait(leftMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
        return schema;
    }

    /** The newest version of a stream's schema, or null for an unknown stream. Lock-free. */
    public StreamSchema latest(String stream) {
        return latestByStream.get(stream);
    }

    /** Every version of a stream's schema, oldest first; empty for an unknown stream. */
    public List<StreamSchema> versions(String stream) {
        TreeMap<Integer, StreamSchema> versions = byStream.get(stream);
        if (versions == null) {
            return Collections.emptyList();
        }
        synchronized (versions) {
            return new ArrayList<>(versions.values());
        }
    }

    /** The names of all registered streams, sorted. */
    public Set<String> streams() {
        return new TreeSet<>(byStream.keySet());
    }

    /** The highest id in use, 0 when none. */
    public int maxId() {
        int max = 0;
        for (int id : byId.keySet()) {
            max = Math.max(max, id);
        }
        return max;
    }

    @Override
    public void close() {
        running = false;
        if (consumer == null) {
            return;
        }
        consumer.wakeup();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
