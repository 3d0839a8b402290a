package io.platform.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.platform.deploy.kafka.EmbeddedKafkaBroker;
import io.platform.ingest.schema.SchemaRegistry;
import io.platform.ingest.schema.StreamTopics;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways register schemas on one cluster at the same moment. Each picks the next id from what its own catalog
 * has read, so they choose the same ids; the {@code _schemas} log decides who has them and the loser registers again.
 */
class ConcurrentSchemaRegistrationTest {
    private static final int STREAMS_PER_GATEWAY = 6;

    @TempDir
    Path dir;

    @Test
    void gatewaysRacingForTheSameIdsEndWithDistinctIdsThatEveryReaderAgreesOn() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), "127.0.0.1", 0, Duration.ofSeconds(60))) {
            String bootstrap = broker.bootstrapServers();
            Properties adminProps = new Properties();
            adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (Admin admin = Admin.create(adminProps);
                 Gateway a = new Gateway(admin, bootstrap);
                 Gateway b = new Gateway(admin, bootstrap)) {
                CyclicBarrier together = new CyclicBarrier(2);
                CompletableFuture<List<StreamSchema>> fromA = CompletableFuture.supplyAsync(() -> a.registerEach("a", together));
                CompletableFuture<List<StreamSchema>> fromB = CompletableFuture.supplyAsync(() -> b.registerEach("b", together));
                List<StreamSchema> registered = new ArrayList<>(fromA.get(120, TimeUnit.SECONDS));
                registered.addAll(fromB.get(120, TimeUnit.SECONDS));

                Set<Integer> ids = new HashSet<>();
                for (StreamSchema schema : registered) {
                    ids.add(schema.id());
                }
                // every stream registered twice (both gateways register the shared one too): one schema each
                assertEquals(2 * STREAMS_PER_GATEWAY + 1, ids.size(), "one id per stream, none shared: " + describe(registered));
                try (SchemaCatalog fresh = SchemaCatalog.open(bootstrap, Duration.ofSeconds(30))) {
                    for (StreamSchema schema : registered) {
                        for (SchemaCatalog reader : List.of(a.catalog, b.catalog, fresh)) {
                            StreamSchema seen = reader.awaitById(schema.id(), 10_000);
                            assertNotNull(seen, "id " + schema.id() + " known to every reader");
                            assertEquals(schema.stream() + " v" + schema.version(), seen.stream() + " v" + seen.version(),
                                    "every reader maps id " + schema.id() + " to the schema its registrant got");
                        }
                    }
                    assertEquals(1, fresh.versions("shared").size(), "the same schema registered by both is one version");
                }
            }
        }
    }

    private static String describe(List<StreamSchema> schemas) {
        StringBuilder out = new StringBuilder();
        for (StreamSchema schema : schemas) {
            out.append(schema.stream()).append(" v").append(schema.version()).append(" id=").append(schema.id()).append("; ");
        }
        return out.toString();
    }

    /** What a gateway node holds for registration: its own catalog, producer and registry. */
    private static final class Gateway implements AutoCloseable {
        final SchemaCatalog catalog;
        final KafkaProducer<byte[], byte[]> producer;
        final SchemaRegistry registry;

        Gateway(Admin admin, String bootstrap) {
            StreamTopics topics = new StreamTopics(admin, 1, (short) 1);
            topics.ensureSchemasTopic();
            this.catalog = SchemaCatalog.open(bootstrap, Duration.ofSeconds(30));
            this.producer = new KafkaProducer<>(PlatformNode.producerProps(bootstrap, 0));
            this.registry = new SchemaRegistry(catalog, producer, topics, "1m");
        }

        List<StreamSchema> registerEach(String prefix, CyclicBarrier together) {
            List<StreamSchema> registered = new ArrayList<>();
            try {
                for (int i = 0; i < STREAMS_PER_GATEWAY; i++) {
                    together.await(30, TimeUnit.SECONDS);
                    registered.add(registry.register(prefix + i, NodeHarness.READINGS_SCHEMA, null, null));
                }
                together.await(30, TimeUnit.SECONDS);
                registered.add(registry.register("shared", NodeHarness.READINGS_SCHEMA, null, null));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return registered;
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(5));
            catalog.close();
        }
    }
}
