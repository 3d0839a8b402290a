package io.platform.deploy.node;

/** The lines {@code platform up} prints when a node is ready: every address, for people and scripts. */
final class NodeAddresses {
    private NodeAddresses() {
    }

    static String describe(PlatformNode node, String webScheme, boolean embeddedKafka) {
        NodeConfig config = node.config();
        String h = node.host();
        String web = webScheme + "://";
        String queryScheme = config.bool("query.tls.enabled") ? "https" : "http";
        StringBuilder out = new StringBuilder()
                .append("gateway   ").append(web).append(h).append(':').append(node.gatewayHttpPort())
                .append("  (POST /v1/schemas/<stream>, POST /v1/streams/<stream>/events, /health, /metrics)\n")
                .append("dashboard ").append(web).append(h).append(':').append(node.gatewayHttpPort())
                .append("/dashboard  (live throughput, p50/p99/p999 per stage, lag, SLO burn)\n")
                .append("gateway   tcp://").append(h).append(':').append(node.gatewayTcpPort()).append("   (binary wire-format frames")
                .append(config.bool("gateway.tls.enabled") ? ", mutual TLS 1.3" : "").append(")\n");
        if (node.aeronChannel() != null) {
            out.append("gateway   ").append(node.aeronChannel()).append(" stream ").append(config.get("gateway.aeron.stream-id"))
                    .append("  (the same frames over Aeron)\n");
        }
        if (node.queryHttpPort() < 0) {
            out.append("query     (not on this node: node.role=ingest)\n");
        } else {
            out.append("query     ").append(queryScheme).append("://").append(h).append(':').append(node.queryHttpPort())
                    .append("  (POST /v1/query, /health, /metrics)\n");
        }
        if (node.flightSqlPort() >= 0) {
            out.append("query     jdbc:arrow-flight-sql://").append(h).append(':').append(node.flightSqlPort())
                    .append("/?useEncryption=false  (Arrow Flight SQL)\n");
        }
        return out.append("kafka     ").append(node.bootstrapServers())
                .append(embeddedKafka ? "  (embedded KRaft broker)" : "  (external)").append('\n')
                .append("data dir  ").append(config.dataDir()).toString();
    }
}
