package io.platform.deploy.node;

import io.micrometer.core.instrument.Gauge;
import io.platform.network.clock.ClockSync;
import io.platform.network.clock.TimeServer;
import io.platform.observability.LatencyMetrics;
import io.platform.wire.EpochClock;
import java.io.IOException;
import java.time.Duration;

/**
 * A node's clock duties: answer peers' time requests ({@code clock.server.port}) and keep this process's event stamps
 * on a reference peer's time scale ({@code clock.reference}): every {@code clock.sync.interval} a round of PTP-style
 * two-way exchanges measures the offset, which {@link EpochClock} then adds to every stamp. Offset, path delay and
 * drift are gauges ({@code platform_clock_offset_seconds}, {@code platform_clock_path_delay_seconds},
 * {@code platform_clock_drift_ppm}). Software timestamps: good to tens of microseconds on a LAN; hardware clocks
 * (linuxptp on PTP-capable NICs) are what real clusters run underneath (docs/architecture.md).
 */
final class NodeClock implements AutoCloseable {
    private final TimeServer server;
    private final ClockSync sync;
    private final Thread syncing;
    private volatile long pathDelayNs;
    private volatile boolean running = true;

    private NodeClock(TimeServer server, ClockSync sync, Duration interval) {
        this.server = server;
        this.sync = sync;
        if (sync != null) {
            var registry = LatencyMetrics.global().registry();
            Gauge.builder("platform.clock.offset_seconds", () -> EpochClock.correctionNs() / 1e9)
                    .description("reference clock minus local clock, added to every event stamp").register(registry);
            Gauge.builder("platform.clock.path_delay_seconds", () -> pathDelayNs / 1e9).register(registry);
            Gauge.builder("platform.clock.drift_ppm", sync, ClockSync::driftPpm).register(registry);
            this.syncing = new Thread(() -> loop(interval), "clock-sync");
            syncing.setDaemon(true);
            syncing.start();
        } else {
            this.syncing = null;
        }
    }

    static NodeClock start(NodeConfig config, String host) throws IOException {
        TimeServer server = null;
        String port = config.get("clock.server.port");
        if (!port.isEmpty()) {
            server = new TimeServer(host, parsePort("clock.server.port", port), EpochClock::nowNs);
        }
        ClockSync sync = null;
        String reference = config.get("clock.reference");
        if (!reference.isEmpty()) {
            int colon = reference.lastIndexOf(':');
            if (colon <= 0) {
                throw new ConfigException("clock.reference=" + reference + " is not host:port, e.g. clock.reference=10.0.0.1:7123");
            }
            sync = new ClockSync(reference.substring(0, colon), parsePort("clock.reference", reference.substring(colon + 1)), EpochClock::rawNowNs);
            try {
                // before the gateway stamps anything: a first round now, so stamps are corrected from the start
                EpochClock.setCorrectionNs(sync.round(8).offsetNs());
            } catch (IOException e) {
                System.err.println("clock: no answer from clock.reference=" + reference + " (" + e.getMessage() + "); stamping with the local clock until it answers");
            }
        }
        return new NodeClock(server, sync, config.duration("clock.sync.interval"));
    }

    private static int parsePort(String key, String value) {
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(key + "=" + value + " has no valid port: use 0 to 65535");
    }

    private void loop(Duration interval) {
        while (running) {
            try {
                Thread.sleep(interval.toMillis());
                ClockSync.Estimate estimate = sync.round(8);
                pathDelayNs = estimate.delayNs();
                EpochClock.setCorrectionNs(estimate.offsetNs());
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                // keep the last correction; the next round tries again
            }
        }
    }

    /** The port peers sync to, or -1 when this node serves no time. */
    int serverPort() throws IOException {
        return server == null ? -1 : server.port();
    }

    @Override
    public void close() throws IOException {
        running = false;
        if (syncing != null) {
            syncing.interrupt();
        }
        if (sync != null) {
            sync.close();
            EpochClock.setCorrectionNs(0);
        }
        if (server != null) {
            server.close();
        }
    }
}
