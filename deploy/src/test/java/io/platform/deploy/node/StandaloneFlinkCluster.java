package io.platform.deploy.node;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real standalone Flink session cluster for tests: a JobManager and a TaskManager, each its own JVM started with the
 * entry points Flink's {@code start-cluster.sh} runs ({@code StandaloneSessionClusterEntrypoint},
 * {@code TaskManagerRunner}), on loopback ports of its own. Its class path is this JVM's, which holds Flink and the
 * platform: the same as a Flink installation with the platform's jars in {@code lib/} (the Flink distribution itself is
 * not on Maven Central, so it cannot be fetched here).
 */
final class StandaloneFlinkCluster implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final int restPort;

    private StandaloneFlinkCluster(int restPort) {
        this.restPort = restPort;
    }

    /** Starts both processes under {@code dir} and waits until the TaskManager's slots are registered. */
    static StandaloneFlinkCluster start(Path dir, int slots) throws Exception {
        int rpcPort = freePort();
        int restPort = freePort();
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("config.yaml"), String.join("\n",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + rpcPort,
                "jobmanager.bind-host: 127.0.0.1",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.host: 127.0.0.1",
                "taskmanager.numberOfTaskSlots: " + slots,
                "jobmanager.memory.process.size: 768m",
                // Pekko gives its actor system 10 s to start and each RPC 10 s to answer: a JVM starting on two loaded
                // cores took longer (CI: "Futures timed out after [10000 milliseconds]" and the JobManager exited)
                "pekko.startup-timeout: 120 s",
                "pekko.ask.timeout: 60 s",
                // what start-cluster.sh derives from taskmanager.memory.process.size and passes as dynamic properties
                "taskmanager.cpu.cores: 2",
                "taskmanager.memory.framework.heap.size: 128m",
                "taskmanager.memory.task.heap.size: 768m",
                "taskmanager.memory.framework.off-heap.size: 128m",
                "taskmanager.memory.task.off-heap.size: 0m",
                "taskmanager.memory.network.min: 64m",
                "taskmanager.memory.network.max: 64m",
                "taskmanager.memory.managed.size: 256m",
                "taskmanager.memory.jvm-metaspace.size: 256m",
                "taskmanager.memory.jvm-overhead.min: 192m",
                "taskmanager.memory.jvm-overhead.max: 192m",
                "io.tmp.dirs: " + Files.createDirectories(dir.resolve("tmp")),
                "blob.storage.directory: " + Files.createDirectories(dir.resolve("blobs")),
                ""));
        StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(restPort);
        try {
            cluster.launch(dir, "jobmanager", "-Xmx512m", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", conf);
            cluster.launch(dir, "taskmanager", "-Xmx1g", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", conf);
            cluster.awaitSlots(slots, Duration.ofSeconds(90));
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The JobManager's REST address, host:port, as {@code flink.jobmanager} takes it. */
    String restAddress() {
        return "127.0.0.1:" + restPort;
    }

    private void launch(Path dir, String name, String heap, String mainClass, Path conf) throws IOException {
        Path log = dir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap,
                "-Dlog.file=" + log, "-Dplatform.log.level=warn",
                "-cp", System.getProperty("java.class.path"), mainClass, "--configDir", conf.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        processes.add(builder.start());
        logs.add(log);
    }

    private void awaitSlots(int slots, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < processes.size(); i++) {
                if (!processes.get(i).isAlive()) {
                    List<String> lines = Files.readAllLines(logs.get(i));
                    throw new IllegalStateException(logs.get(i).getFileName() + " exited with " + processes.get(i).exitValue() + "; its log ends:\n"
                            + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
                }
            }
            try {
                last = http.send(HttpRequest.newBuilder(URI.create("http://" + restAddress() + "/overview")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (last.contains("\"slots-total\":" + slots)) {
                    return;
                }
            } catch (IOException notYet) {
                // the JobManager is still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the standalone cluster did not register " + slots + " slots in " + timeout + ": " + last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
