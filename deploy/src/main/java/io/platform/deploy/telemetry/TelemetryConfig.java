package io.platform.deploy.telemetry;

import ch.qos.logback.classic.Level;
import io.platform.deploy.node.NodeConfig;
import io.platform.observability.logging.LogClass;
import io.platform.observability.logging.LogRetention;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the node's logs and traces go, from the {@code log.*}, {@code tracing.*} and {@code flows.*} keys.
 *
 * @param logDir           {@code log.dir} (default {@code <data.dir>/logs})
 * @param fileLevel        {@code log.file.level}
 * @param retention        {@code log.retention.<class>}
 * @param otlpEndpoint     {@code tracing.otlp-endpoint}, empty when tracing is off
 * @param sampleRatio      {@code tracing.sample-ratio}
 * @param tailSlow         {@code tracing.tail.slow}, null for head sampling only
 * @param flowSamplingRate {@code flows.sampling-rate}
 */
public record TelemetryConfig(Path logDir, Level fileLevel, LogRetention retention, String otlpEndpoint, double sampleRatio,
                              Duration tailSlow, int flowSamplingRate) {

    /** Reads the keys above from a validated node config. */
    public static TelemetryConfig from(NodeConfig config) {
        LogRetention retention = new LogRetention();
        for (LogClass logClass : LogClass.values()) {
            retention.keep(logClass, config.duration("log.retention." + logClass.key()));
        }
        return new TelemetryConfig(config.logDir(), Level.toLevel(config.get("log.file.level")), retention,
                config.get("tracing.otlp-endpoint"), Double.parseDouble(config.get("tracing.sample-ratio")),
                config.get("tracing.tail.slow").isEmpty() ? null : config.duration("tracing.tail.slow"),
                config.integer("flows.sampling-rate"));
    }
}
