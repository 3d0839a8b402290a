package io.platform.processing;

import io.platform.wire.schema.SchemaCatalog;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One schema catalog per Kafka cluster per JVM, shared by every job's readers and writers in it: each catalog is a
 * Kafka consumer of the {@code _schemas} topic, so one per source reader would multiply them. Thread-safe.
 */
public final class SharedCatalogs {
    private static final Map<String, SchemaCatalog> CATALOGS = new HashMap<>();

    private SharedCatalogs() {
    }

    /** The catalog of the cluster at {@code bootstrapServers}, opened (and caught up) on first use. */
    public static SchemaCatalog of(String bootstrapServers) {
        synchronized (CATALOGS) {
            return CATALOGS.computeIfAbsent(bootstrapServers, b -> SchemaCatalog.open(b, Duration.ofSeconds(30)));
        }
    }

    /** Closes the shared catalogs; call after the jobs of this JVM were cancelled. */
    public static void closeAll() {
        synchronized (CATALOGS) {
            CATALOGS.values().forEach(SchemaCatalog::close);
            CATALOGS.clear();
        }
    }
}
