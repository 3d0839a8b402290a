package io.platform.deploy.kafka;

import io.platform.deploy.service.Service;
import io.platform.deploy.service.StartedResources;
import io.platform.ingest.schema.SchemaRegistry;
import io.platform.ingest.schema.StreamTopics;
import io.platform.wire.schema.SchemaCatalog;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log the node runs on: the embedded KRaft broker (or an external cluster's address), the stream catalog read
 * from its {@code _schemas} topic, the registry that writes it, and the one producer the gateway and the registry
 * share. Every other service reads its accessors after this one started. Thread-safe after {@link #start()}.
 */
public final class KafkaService implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaService.class);
    private static final Duration BROKER_READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CATALOG_READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaConfig config;
    private final StartedResources started = new StartedResources("kafka");
    private volatile String bootstrapServers;
    private SchemaCatalog catalog;
    private SchemaRegistry registry;
    private Producer<byte[], byte[]> producer;

    public KafkaService(KafkaConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public void start() throws Exception {
        if (config.embedded()) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config.brokerDir(), config.host(), config.brokerPort(),
                    BROKER_READY_TIMEOUT);
            started.add(broker);
            bootstrapServers = broker.bootstrapServers();
        } else {
            bootstrapServers = config.externalBootstrap();
        }
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        Admin admin = Admin.create(adminProps);
        started.add(admin);
        StreamTopics topics = new StreamTopics(admin, config.partitions(), config.replication());
        topics.ensureSchemasTopic();
        catalog = SchemaCatalog.open(bootstrapServers, CATALOG_READY_TIMEOUT);
        started.add(catalog);
        Producer<byte[], byte[]> shared = new KafkaProducer<>(producerProps(bootstrapServers, config.producerLingerMs()));
        started.add((AutoCloseable) () -> shared.close(PRODUCER_CLOSE_TIMEOUT));
        producer = shared;
        registry = new SchemaRegistry(catalog, producer, topics, config.aggregateView());
        LOG.info("kafka ready bootstrap={} embedded={}", bootstrapServers, config.embedded());
    }

    /**
     * The gateway's producer settings, shared with the plain-producer benchmark so the two compare like for like:
     * acks from all in-sync replicas and idempotence, so an acknowledged event is durable and never duplicated by a retry.
     */
    public static Properties producerProps(String bootstrapServers, int lingerMs) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(lingerMs));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(128 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        return props;
    }

    /** The bootstrap servers clients of this node's Kafka use (the embedded broker's, or {@code kafka.bootstrap}). */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The built-in aggregation's view name (from {@code aggregation.window}), e.g. {@code 10s}. */
    public String aggregateView() {
        return config.aggregateView();
    }

    /** True when the node runs its own broker. */
    public boolean embedded() {
        return config.embedded();
    }

    /** The streams and their schemas, kept up to date from {@code _schemas}. */
    public SchemaCatalog catalog() {
        return catalog;
    }

    /** Registers schemas (creating their topics) into {@code _schemas}. */
    public SchemaRegistry registry() {
        return registry;
    }

    /** The producer of the gateway and the registry (acks=all, idempotent). */
    public Producer<byte[], byte[]> producer() {
        return producer;
    }

    @Override
    public void close() {
        started.closeAll();
    }
}
