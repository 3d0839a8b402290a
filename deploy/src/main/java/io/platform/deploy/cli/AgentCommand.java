package io.platform.deploy.cli;

import static io.platform.deploy.cli.NodeHttp.HTTP;

import io.platform.ingest.agent.FileTailAgent;
import io.platform.ingest.agent.ListeningAgent;
import io.platform.observability.tracing.Tracing;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code platform agent}: the edge agent, tailing a file or taking lines on a port, forwarding them to a gateway. */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Edge agent: tail a file of JSON lines (--file) or take JSON lines"
        + " on a local TCP port (--listen, spooled to disk first) and forward them in gzip batches to a gateway, in order; survives"
        + " restarts and an unreachable gateway without losing or repeating lines.")
public final class AgentCommand implements Callable<Integer> {
    @Option(names = "--file", description = "NDJSON file to tail (its offset is kept beside it)")
    Path file;

    @Option(names = "--listen", description = "host:port to take NDJSON lines on, e.g. 127.0.0.1:5170")
    String listen;

    @Option(names = "--spool-dir", defaultValue = "./agent-spool", description = "with --listen: disk buffer of lines not yet forwarded"
            + " (default ${DEFAULT-VALUE})")
    Path spoolDir;

    @Option(names = "--fsync-ms", defaultValue = "100", description = "with --listen: how often spooled lines are forced to disk (default"
            + " ${DEFAULT-VALUE})")
    long fsyncMs;

    @Option(names = "--stream", required = true, description = "stream the lines belong to")
    String stream;

    @Option(names = "--gateway", defaultValue = "http://127.0.0.1:8080", description = "gateway URL (default ${DEFAULT-VALUE})")
    String gateway;

    @Option(names = "--batch", defaultValue = "1000", description = "lines per batch at most (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--linger-ms", defaultValue = "50", description = "with --file: longest wait to fill a batch (default"
            + " ${DEFAULT-VALUE})")
    long lingerMs;

    @Option(names = "--otlp-endpoint", description = "OTLP/HTTP traces endpoint, e.g. http://collector:4318/v1/traces: each batch gets a"
            + " span whose trace continues at the gateway and storage")
    String otlpEndpoint;

    @Option(names = "--trace-ratio", defaultValue = "0.01", description = "share of batches traced (default ${DEFAULT-VALUE})")
    double traceRatio;

    @Override
    public Integer call() throws Exception {
        if (otlpEndpoint != null) {
            Tracing.startOtlp(otlpEndpoint, traceRatio, "platform-agent");
        }
        if ((file == null) == (listen == null)) {
            System.err.println("agent: give exactly one of --file <path> or --listen <host:port>");
            return 2;
        }
        Consumer<String> log = message -> System.err.println("agent: " + message);
        LongSupplier forwarded;
        Supplier<String> position;
        ThrowingRunnable run;
        AutoCloseable agent;
        String source;
        if (file != null) {
            FileTailAgent tail = new FileTailAgent(file, stream, URI.create(gateway), batch, lingerMs, log);
            forwarded = tail::sentLines;
            position = () -> "offset " + tail.offset();
            run = tail::run;
            agent = tail;
            source = "tailing " + file + " from byte " + tail.offset();
        } else {
            int colon = listen.lastIndexOf(':');
            if (colon < 0) {
                System.err.println("agent: --listen takes host:port, e.g. 127.0.0.1:5170; got '" + listen + "'");
                return 2;
            }
            ListeningAgent listening = new ListeningAgent(listen.substring(0, colon),
                    Integer.parseInt(listen.substring(colon + 1)), spoolDir, stream, URI.create(gateway), batch, fsyncMs, log);
            forwarded = listening::forwardedLines;
            position = () -> {
                try {
                    return "received " + listening.receivedLines() + ", spool backlog " + listening.backlogBytes() + " bytes";
                } catch (IOException e) {
                    return "spool unreadable: " + e.getMessage();
                }
            };
            run = listening::run;
            agent = listening;
            source = "listening on " + listen.substring(0, colon) + ":" + listening.port() + ", spool " + spoolDir;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                agent.close();
            } catch (Exception e) {
                log.accept("close failed: " + e);
            }
        }));
        System.out.printf("agent ready in %d ms (JVM start to forwarding), RSS %s; %s -> %s stream %s%n",
                ManagementFactory.getRuntimeMXBean().getUptime(), rss(), source, gateway, stream);
        Thread reporter = new Thread(() -> {
            long last = 0;
            while (true) {
                try {
                    Thread.sleep(5000);
                } catch (InterruptedException e) {
                    return;
                }
                long sent = forwarded.getAsLong();
                System.out.printf("agent: %d lines forwarded (%.0f/s), %s, RSS %s%n", sent, (sent - last) / 5.0, position.get(), rss());
                last = sent;
            }
        }, "agent-report");
        reporter.setDaemon(true);
        reporter.start();
        run.run();
        return 0;
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static String rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return line.substring(6).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "n/a";
    }
}
