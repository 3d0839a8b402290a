package io.platform.deploy.node;

import java.time.Duration;

/**
 * The clock duties' settings, from {@code clock.*}; errors name the key and the form it takes.
 *
 * @param host          {@code bind.host}, where the time server listens
 * @param serverPort    {@code clock.server.port}, -1 when the node serves no time
 * @param referenceHost host of {@code clock.reference}, null when stamps use the local clock
 * @param referencePort port of {@code clock.reference}
 * @param interval      {@code clock.sync.interval}
 */
record ClockConfig(String host, int serverPort, String referenceHost, int referencePort, Duration interval) {

    static ClockConfig from(NodeConfig config) {
        String server = config.get("clock.server.port");
        String reference = config.get("clock.reference");
        int colon = reference.lastIndexOf(':');
        if (!reference.isEmpty() && colon <= 0) {
            throw new ConfigException("clock.reference=" + reference + " is not host:port, e.g. clock.reference=10.0.0.1:7123");
        }
        return new ClockConfig(config.get("bind.host"), server.isEmpty() ? -1 : port("clock.server.port", server),
                reference.isEmpty() ? null : reference.substring(0, colon),
                reference.isEmpty() ? -1 : port("clock.reference", reference.substring(colon + 1)), config.duration("clock.sync.interval"));
    }

    private static int port(String key, String value) {
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
}
