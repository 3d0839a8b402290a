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

    private final ClockConfig config;
    private final MeterRegistry registry;
    private TimeServer server;
    private ClockSync sync;
    private Thread syncing;
    private Gauge pathDelay;
    private Gauge drift;
    private volatile long pathDelayNs;
    private volatile boolean running = true;

    NodeClock(ClockConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    @Override
    public String name() {
        return "clock";
    }

    @Override
    public void start() throws IOException {
        if (config.serverPort() >= 0) {
            server = new TimeServer(config.host(), config.serverPort(), EpochClock::nowNs);
        }
        if (config.referenceHost() == null) {
            return;
        }
        sync = new ClockSync(config.referenceHost(), config.referencePort(), EpochClock::rawNowNs);
        try {
            // before the gateway stamps anything: a first round now, so stamps are corrected from the start
            EpochClock.setCorrectionNs(sync.round(EXCHANGES_PER_ROUND).offsetNs());
        } catch (IOException e) {
            LOG.warn("clock reference not answering reference={} error={} action='stamping with the local clock until it answers'",
                    config.referenceHost() + ":" + config.referencePort(), e.getMessage());
        }
        Gauge.builder("platform.clock.offset_seconds", () -> EpochClock.correctionNs() / 1e9)
                .description("reference clock minus local clock, added to every event stamp").register(registry);
        // removed at close: a node restarted in this process measures with its own sync
        pathDelay = Gauge.builder("platform.clock.path_delay_seconds", () -> pathDelayNs / 1e9).register(registry);
        drift = Gauge.builder("platform.clock.drift_ppm", sync, ClockSync::driftPpm).register(registry);
        syncing = new Thread(this::loop, "clock-sync");
        syncing.setDaemon(true);
        syncing.start();
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(config.interval().toMillis());
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
        if (pathDelay != null) {
            registry.remove(pathDelay);
            registry.remove(drift);
        }
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
