package io.platform.deploy.service;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters a service registers for its own lifetime. Micrometer hands back an existing meter for the same name and
 * tags, so a gauge left behind by a closed service would keep reading the closed object when a node restarts in the
 * same process (tests, benchmarks): each is removed when its service closes.
 */
public final class Meters {
    private Meters() {
    }

    /** A part for {@link StartedResources#add} that removes {@code meter} from {@code registry} on close. */
    public static AutoCloseable removedOnClose(MeterRegistry registry, Meter meter) {
        return () -> registry.remove(meter);
    }
}
