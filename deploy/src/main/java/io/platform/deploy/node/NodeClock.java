package io.platform.deploy.node;

import io.micrometer.core.instrument.Gauge;
import io.platform.network.clock.ClockSync;
import io.platform.network.clock.TimeServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.platform.deploy.service.Service;
import io.platform.wire.EpochClock;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's clock duties: answer peers' time requests ({@code clock.server.port}) and keep this process's event stamps
 * on a reference peer's time scale ({@code clock.reference}): every {@code clock.sync.interval} a round of PTP-style
 * two-way exchanges measures the offset, which {@link EpochClock} then adds to every stamp. Offset, path delay and
 * drift are gauges ({@code platform_clock_offset_seconds}, {@code platform_clock_path_delay_seconds},
 * {@code platform_clock_drift_ppm}). Software timestamps: good to tens of microseconds on a LAN; hardware clocks
 * (linuxptp on PTP-capable NICs) are what real clusters run underneath (docs/architecture.md).
 */
final class NodeClock implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(NodeClock.class);
    private static final int EXCHANGES_PER_ROUND = 8;

    private final String host;
    private final String serverPort;
    private final String reference;
    private final Duration interval;
    private final MeterRegistry registry;
    private TimeServer server;
    private ClockSync sync;
    private Thread syncing;
    private volatile long pathDelayNs;
    private volatile boolean running = true;

    /** Reads {@code clock.server.port}, {@code clock.reference} and {@code clock.sync.interval}; errors name the key. */
    NodeClock(NodeConfig config, MeterRegistry registry) {
        this.host = config.get("bind.host");
        this.serverPort = config.get("clock.server.port");
        this.reference = config.get("clock.reference");
        this.interval = config.duration("clock.sync.interval");
        this.registry = registry;
        if (!serverPort.isEmpty()) {
            parsePort("clock.server.port", serverPort);
        }
        if (!reference.isEmpty() && reference.lastIndexOf(':') <= 0) {
            throw new ConfigException("clock.reference=" + reference + " is not host:port, e.g. clock.reference=10.0.0.1:7123");
        }
    }

    @Override
    public String name() {
        return "clock";
    }

    @Override
    public void start() throws IOException {
        if (!serverPort.isEmpty()) {
            server = new TimeServer(host, parsePort("clock.server.port", serverPort), EpochClock::nowNs);
        }
        if (reference.isEmpty()) {
            return;
        }
        int colon = reference.lastIndexOf(':');
        sync = new ClockSync(reference.substring(0, colon), parsePort("clock.reference", reference.substring(colon + 1)),
                EpochClock::rawNowNs);
        try {
            // before the gateway stamps anything: a first round now, so stamps are corrected from the start
            EpochClock.setCorrectionNs(sync.round(EXCHANGES_PER_ROUND).offsetNs());
        } catch (IOException e) {
            LOG.warn("clock reference not answering reference={} error={} action='stamping with the local clock until it answers'",
                    reference, e.getMessage());
        }
        Gauge.builder("platform.clock.offset_seconds", () -> EpochClock.correctionNs() / 1e9)
                .description("reference clock minus local clock, added to every event stamp").register(registry);
        Gauge.builder("platform.clock.path_delay_seconds", () -> pathDelayNs / 1e9).register(registry);
        Gauge.builder("platform.clock.drift_ppm", sync, ClockSync::driftPpm).register(registry);
        syncing = new Thread(this::loop, "clock-sync");
        syncing.setDaemon(true);
        syncing.start();
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

    private void loop() {
        while (running) {
            try {
                Thread.sleep(interval.toMillis());
                ClockSync.Estimate estimate = sync.round(EXCHANGES_PER_ROUND);
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
    public void close() {
        running = false;
        if (syncing != null) {
            syncing.interrupt();
        }
        if (sync != null) {
            sync.close();
            EpochClock.setCorrectionNs(0);
        }
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                LOG.warn("time server close failed error={}", e.toString());
            }
        }
    }
}
