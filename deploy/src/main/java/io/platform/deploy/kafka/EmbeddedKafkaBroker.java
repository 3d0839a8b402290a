package io.platform.deploy.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A Kafka cluster in KRaft mode inside this JVM: one node (combined broker and controller) for the all-in-one
 * default, or several for tests that need replication ({@link #startCluster}). Log directories are formatted on first
 * start and reused afterwards, so topics and records survive restarts and crashes. Thread-safe.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final String CONTROLLER_PORT_FILE = "controller.port";

    private final List<KafkaRaftServer> servers;
    private final List<Boolean> running;
    private final String bootstrapServers;

    private EmbeddedKafkaBroker(List<KafkaRaftServer> servers, String bootstrapServers) {
        this.servers = servers;
        this.running = new ArrayList<>(Collections.nCopies(servers.size(), true));
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts a broker with its log in {@code logDir}, listening on {@code host:port} (0 picks a free port), and waits
     * until it answers metadata requests.
     */
    public static EmbeddedKafkaBroker start(Path logDir, String host, int port, Duration readyTimeout) throws IOException {
        Files.createDirectories(logDir);
        int brokerPort = port == 0 ? freePort(host) : port;
        int controllerPort = controllerPort(logDir);
        KafkaConfig config = nodeConfig(1, "1@127.0.0.1:" + controllerPort, host, brokerPort, controllerPort, logDir, 1);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(logDir, 1, Uuid.randomUuid().toString());
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        return ready(new EmbeddedKafkaBroker(List.of(server), host + ":" + brokerPort), readyTimeout);
    }

    /**
     * Starts {@code nodes} combined broker/controller nodes on free ports under {@code dir/node-<id>}, the controllers
     * forming one quorum, so topics may have up to {@code nodes} replicas and the cluster survives the loss of a
     * minority of nodes. Internal topics get min(3, nodes) replicas. For tests of replication and broker failure.
     */
    public static EmbeddedKafkaBroker startCluster(Path dir, String host, int nodes, Duration readyTimeout) throws IOException {
        int[] brokerPorts = new int[nodes];
        int[] controllerPorts = new int[nodes];
        StringBuilder voters = new StringBuilder();
        StringBuilder bootstrap = new StringBuilder();
        for (int i = 0; i < nodes; i++) {
            brokerPorts[i] = freePort(host);
            controllerPorts[i] = freePort("127.0.0.1");
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(controllerPorts[i]);
            bootstrap.append(i == 0 ? "" : ",").append(host).append(':').append(brokerPorts[i]);
        }
        String clusterId = Uuid.randomUuid().toString();
        List<KafkaRaftServer> servers = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            Path logDir = Files.createDirectories(dir.resolve("node-" + (i + 1)));
            format(logDir, i + 1, clusterId);
            servers.add(new KafkaRaftServer(nodeConfig(i + 1, voters.toString(), host, brokerPorts[i], controllerPorts[i], logDir,
                    nodes), Time.SYSTEM));
        }
        // a controller waits for a quorum while it starts: start them together
        List<Thread> starting = new ArrayList<>();
        for (KafkaRaftServer server : servers) {
            Thread thread = new Thread(server::startup, "kafka-node-start");
            thread.start();
            starting.add(thread);
        }
        for (Thread thread : starting) {
            try {
                thread.join(readyTimeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted starting the Kafka cluster", e);
            }
        }
        return ready(new EmbeddedKafkaBroker(servers, bootstrap.toString()), readyTimeout);
    }

    private static EmbeddedKafkaBroker ready(EmbeddedKafkaBroker cluster, Duration readyTimeout) throws IOException {
        try {
            cluster.awaitReady(readyTimeout);
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static KafkaConfig nodeConfig(int nodeId, String voters, String host, int brokerPort, int controllerPort, Path logDir,
            int nodes) {
        String replicas = Integer.toString(Math.min(3, nodes));
        String minInSync = Integer.toString(Math.min(2, nodes));
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(nodeId));
        props.put("controller.quorum.voters", voters);
        props.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("offsets.topic.replication.factor", replicas);
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", replicas);
        props.put("transaction.state.log.min.isr", minInSync);
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.replication.factor", replicas);
        props.put("share.coordinator.state.topic.min.isr", minInSync);
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "true");
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 << 20));
        if (nodes > 1) {
            // a stopped node goes down as a crashed one would, without handing over leadership first; and the last
            // nodes of a cluster without a quorum do not wait for a controller that cannot answer
            props.put("controlled.shutdown.enable", "false");
        }
        return new KafkaConfig(props, false);
    }

    private static void format(Path logDir, int nodeId, String clusterId) throws IOException {
        try {
            new Formatter()
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .addDirectory(logDir.toString())
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                    .run();
        } catch (Exception e) {
            throw new IOException("cannot format Kafka log dir=" + logDir + ": " + e.getMessage(), e);
        }
    }

    /** The controller port is kept across restarts so the static voter set never changes. */
    private static int controllerPort(Path logDir) throws IOException {
        Path file = logDir.resolve(CONTROLLER_PORT_FILE);
        if (Files.exists(file)) {
            int port = Integer.parseInt(Files.readString(file).trim());
            if (isFree("127.0.0.1", port)) {
                return port;
            }
        }
        int port = freePort("127.0.0.1");
        Files.writeString(file, Integer.toString(port));
        return port;
    }

    private static boolean isFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        }
    }

    private void awaitReady(Duration timeout) throws IOException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("embedded Kafka not ready after " + timeout.toSeconds() + " s at " + bootstrapServers
                                + ": " + e, e);
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted waiting for Kafka", e);
                }
            }
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops node {@code nodeId} (1-based) as a broker failure would, leaving the others running. */
    public void stopNode(int nodeId) {
        synchronized (running) {
            if (!running.get(nodeId - 1)) {
                return;
            }
            running.set(nodeId - 1, false);
        }
        servers.get(nodeId - 1).shutdown();
        servers.get(nodeId - 1).awaitShutdown();
    }

    @Override
    public void close() {
        List<Thread> stopping = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            int nodeId = i + 1;
            Thread thread = new Thread(() -> stopNode(nodeId), "kafka-node-stop");
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
