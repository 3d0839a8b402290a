package io.platform.bench;

import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.netty.buffer.ByteBuf;
import io.platform.ingest.client.GatewayClient;
import io.platform.network.FrameClient;
import io.platform.network.FrameConnection;
import io.platform.network.FrameHandler;
import io.platform.network.aeron.AeronFrameClient;
import io.platform.network.aeron.AeronFrameLayout;
import io.platform.network.aeron.AeronFrameServer;
import io.platform.network.aeron.AeronTransport;
import io.platform.network.aeron.StaleDriverDirectories;
import io.platform.network.tcp.FramedTcpClient;
import io.platform.network.tcp.FramedTcpServer;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@code platform bench transport}: round-trip ping-pong, one message outstanding, over each transport through the
 * platform's frame API and raw, in one run, so the API's overhead is a ratio against the library underneath.
 * RTT is measured on the pinging thread with System.nanoTime; waits yield (2-core hosts starve busy spinners).
 */
public final class TransportBench {
    /**
     * Answers with the frame it was handed (retained, as {@code send} releases it): no allocation and no copy beyond the
     * transport's own, the API used as latency-critical code uses it and as the raw pong works (one copy, reused buffer).
     */
    private static final FrameHandler ECHO = (connection, frame) -> connection.send(frame.retain());

    private final PrintStream out;
    private final int warmup;
    private final int iterations;

    public TransportBench(PrintStream out, int warmup, int iterations) {
        this.out = out;
        this.warmup = warmup;
        this.iterations = iterations;
    }

    public void run(String idleStrategy) throws Exception {
        out.printf("transport bench: ping-pong RTT, %d warm-up + %d measured round trips per row, idle strategy %s (each Aeron run on its"
                + " own media driver: asleep for IPC, %s for UDP, as a node's aeron.driver.idle-strategy=auto)%n%n", warmup, iterations,
                idleStrategy,
                Side.RAW_UDP.driverIdle(idleStrategy));
        out.printf("%-32s %6s %10s %10s %10s %10s %12s%n", "transport", "bytes", "p50 us", "p99 us", "p999 us", "max us", "msgs/s");
        for (int size : new int[] {32, 1024}) {
            Histogram rawTcp = rawSocket(size);
            report("raw blocking socket TCP", size, rawTcp);
            report("platform API over Netty TCP", size, api(size, echo -> {
                FramedTcpServer server = FramedTcpServer.bind("127.0.0.1", 0, 1, 1 << 20, ECHO);
                return new Endpoint(server::close, replies -> FramedTcpClient.connect("127.0.0.1", server.port(), 1 << 20, replies));
            }));
            // raw and API in ABBA order, each side's two runs pooled; each run on a media driver of its own, idling
            // as a node's would for that channel (asleep for IPC), so no run inherits another's publications
            Histogram rawIpc = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            Histogram apiIpc = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            Histogram rawUdp = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            Histogram apiUdp = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            for (int round = 0; round < 4; round++) {
                boolean raw = round == 0 || round == 3;
                int stream = 2001 + 2 * round;
                if (raw) {
                    rawIpc.add(measureOnOwnDriver(Side.RAW_IPC, size, stream, idleStrategy));
                    rawUdp.add(measureOnOwnDriver(Side.RAW_UDP, size, stream + 1, idleStrategy));
                } else {
                    apiIpc.add(measureOnOwnDriver(Side.API_IPC, size, stream, idleStrategy));
                    apiUdp.add(measureOnOwnDriver(Side.API_UDP, size, stream + 1, idleStrategy));
                }
            }
            report("raw Aeron IPC", size, rawIpc);
            report("platform API over Aeron IPC", size, apiIpc);
            report("raw Aeron UDP loopback", size, rawUdp);
            report("platform API over Aeron UDP", size, apiUdp);
            // which side of the API costs: a raw client (offer, poll) against the platform's server
            try (AeronTransport aeron = AeronTransport.launch(idleStrategy)) {
                report("raw client, platform server UDP", size, rawClientPlatformServer(aeron, size));
            }
            out.printf("   API/raw p99: Aeron IPC %.2f, Aeron UDP %.2f%n", ratio(apiIpc, rawIpc), ratio(apiUdp, rawUdp));
        }
    }

    /** {@link #measure} on a media driver launched for the run, idling by the node's rule for the side's channel. */
    private Histogram measureOnOwnDriver(Side side, int size, int stream, String idleStrategy) throws Exception {
        try (AeronTransport aeron = AeronTransport.launch(idleStrategy, side.driverIdle(idleStrategy),
                StaleDriverDirectories.PREFIX + UUID.randomUUID())) {
            return measure(aeron, side, size, stream);
        }
    }

    /** The Aeron rows {@link #runIsolated} compares: each side is one kind of endpoint pair, raw or through the API. */
    enum Side {
        RAW_IPC("raw Aeron IPC"), API_IPC("platform API over Aeron IPC"), RAW_UDP("raw Aeron UDP loopback"), API_UDP("platform API over"
                + " Aeron UDP");

        final String label;

        Side(String label) {
            this.label = label;
        }

        /** The media driver's idle strategy for this side's run, by the rule a node applies to its own channels. */
        String driverIdle(String idleStrategy) {
            return AeronTransport.driverIdleFor(idleStrategy, this == RAW_IPC || this == API_IPC ? "aeron:ipc" : "aeron:udp");
        }
    }

    /**
     * Raw Aeron against the API with every run in a JVM of its own, rounds alternating ABBA, each side's runs pooled.
     * Why: in one process the runs share a media driver, a heap and a JIT history, and the order of the runs moves their
     * tails by more than the 10% in question; a fresh process per run gives each side the same start. Prints the pooled
     * rows, each round's p99 and in how many pairs the API's p99 was the higher.
     */
    public void runIsolated(String idleStrategy, int rounds) throws Exception {
        out.printf("transport bench, isolated: each run in its own JVM, %d rounds per side (ABBA), %d warm-up + %d measured round trips"
                + " per run, idle strategy %s"
                + " (the media driver: %s for IPC, which it is not on the path of; %s for UDP, as a node's"
                + " aeron.driver.idle-strategy=auto)%n%n",
                rounds, warmup, iterations, idleStrategy, Side.RAW_IPC.driverIdle(idleStrategy), Side.RAW_UDP.driverIdle(idleStrategy));
        for (int size : new int[] {32, 1024}) {
            for (Side[] pair : new Side[][] {{Side.RAW_IPC, Side.API_IPC}, {Side.RAW_UDP, Side.API_UDP}}) {
                Histogram raw = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                Histogram api = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                long[] rawP99 = new long[rounds];
                long[] apiP99 = new long[rounds];
                for (int round = 0; round < rounds; round++) {
                    boolean rawFirst = round % 4 == 0 || round % 4 == 3;
                    for (int k = 0; k < 2; k++) {
                        Side side = (k == 0) == rawFirst ? pair[0] : pair[1];
                        Histogram run = inChildJvm(side, size, idleStrategy);
                        (side == pair[0] ? raw : api).add(run);
                        (side == pair[0] ? rawP99 : apiP99)[round] = run.getValueAtPercentile(99);
                    }
                    out.printf("   %s %d B round %d: p99 raw %.1f us, API %.1f us%n", pair[0] == Side.RAW_IPC ? "IPC" : "UDP", size,
                            round + 1,
                            rawP99[round] / 1e3, apiP99[round] / 1e3);
                }
                out.printf("%-32s %6s %10s %10s %10s %10s %12s%n", "transport (pooled)", "bytes", "p50 us", "p99 us", "p999 us", "max us",
                        "msgs/s");
                report(pair[0].label, size, raw);
                report(pair[1].label, size, api);
                int apiHigher = 0;
                for (int round = 0; round < rounds; round++) {
                    apiHigher += apiP99[round] > rawP99[round] ? 1 : 0;
                }
                out.printf("   API/raw pooled p99 %.2f, p50 %.2f; API p99 higher in %d of %d rounds%n%n", ratio(api, raw),
                        api.getValueAtPercentile(50) / (double) Math.max(1, raw.getValueAtPercentile(50)), apiHigher, rounds);
            }
        }
    }

    /** Runs one side in a fresh JVM (this one's java and options) and reads back its histogram. */
    private Histogram inChildJvm(Side side, int size, String idleStrategy) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TransportBench.class.getName(),
                side.name(), String.valueOf(size), String.valueOf(warmup), String.valueOf(iterations), idleStrategy));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String encoded = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith(HISTOGRAM_LINE)) {
                    encoded = line.substring(HISTOGRAM_LINE.length());
                }
            }
        }
        if (!child.waitFor(5, TimeUnit.MINUTES) || child.exitValue() != 0 || encoded == null) {
            child.destroyForcibly();
            throw new IllegalStateException("the " + side.label + " run in a child JVM failed (exit " + (child.isAlive() ? "none"
                    : child.exitValue()) + ")");
        }
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
    }

    private static final String HISTOGRAM_LINE = "histogram ";

    /** A child of {@link #runIsolated}: {@code side size warmup iterations idleStrategy}; prints its histogram, base64. */
    public static void main(String[] args) throws Exception {
        Side side = Side.valueOf(args[0]);
        int size = Integer.parseInt(args[1]);
        TransportBench bench = new TransportBench(System.err, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        Histogram histogram = bench.measureOnOwnDriver(side, size, 2001, args[4]);
        ByteBuffer encoded = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        histogram.encodeIntoCompressedByteBuffer(encoded);
        encoded.flip();
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        System.out.println(HISTOGRAM_LINE + Base64.getEncoder().encodeToString(bytes));
        System.exit(0);
    }

    /** Ping-pong over one side's endpoints, made afresh; {@code stream} keeps the API's server streams apart between runs. */
    private Histogram measure(AeronTransport aeron, Side side, int size, int stream) throws Exception {
        return switch (side) {
            case RAW_IPC -> rawAeron(aeron, "aeron:ipc", "aeron:ipc", size);
            case RAW_UDP -> rawAeron(aeron, "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort(), "aeron:udp?endpoint=127.0.0.1:"
                    + freeUdpPort(), size);
            case API_IPC -> api(size, echo -> {
                AeronFrameServer server = new AeronFrameServer(aeron, "aeron:ipc", stream, 1 << 20, ECHO);
                return new Endpoint(server::close, replies -> AeronFrameClient.connectPolled(aeron, "aeron:ipc", stream, "aeron:ipc",
                        1 << 20, replies, 10_000));
            });
            case API_UDP -> {
                String serverUdp = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
                yield api(size, echo -> {
                    AeronFrameServer server = new AeronFrameServer(aeron, serverUdp, stream, 1 << 20, ECHO);
                    return new Endpoint(server::close, replies -> AeronFrameClient.connectPolled(aeron, serverUdp, stream,
                            "aeron:udp?endpoint=127.0.0.1:0", 1 << 20, replies, 10_000));
                });
            }
        };
    }

    private static double ratio(Histogram api, Histogram raw) {
        return api.getValueAtPercentile(99) / (double) Math.max(1, raw.getValueAtPercentile(99));
    }

    private void report(String name, int size, Histogram h) {
        double meanUs = h.getMean() / 1e3;
        out.printf("%-32s %6d %10.1f %10.1f %10.1f %10.1f %,12.0f%n", name, size, h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, 1e6 / meanUs);
    }

    private record Endpoint(AutoCloseableServer server, GatewayClient.Transport client) {
    }

    private interface AutoCloseableServer {
        void close() throws Exception;
    }

    private interface EndpointFactory {
        Endpoint open(FrameHandler echo) throws Exception;
    }

    private Histogram api(int size, EndpointFactory factory) throws Exception {
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        AtomicLong received = new AtomicLong();
        Endpoint endpoint = factory.open(ECHO);
        try (FrameClient client = endpoint.client().open((connection, frame) -> received.incrementAndGet())) {
            FrameConnection connection = client.connection();
            WarmUp warm = new WarmUp(warmup);
            // one buffer for the run, retained before each send (send releases it), as the raw ping reuses its own
            ByteBuf frame = connection.alloc().buffer(size).writeZero(size);
            try {
                for (int i = 0, measured = 0; measured < iterations; i++) {
                    long start = System.nanoTime();
                    frame.setLong(0, i);
                    connection.send(frame.retain());
                    await(client, received, i + 1);
                    if (warm.done(i)) {
                        histogram.recordValue(System.nanoTime() - start);
                        measured++;
                    }
                }
            } finally {
                frame.release();
            }
        } finally {
            endpoint.server().close();
        }
        return histogram;
    }

    /**
     * Waits for the echo, polling the client on this thread when it is a polled one (no hand-off). Waits exactly as
     * the raw Aeron ping does (a yield after every 100 empty polls), so the comparison is of the API, not of waiting:
     * an earlier version yielded on every empty poll once 100 had passed, which on 2 cores handed the CPU to the media
     * driver or the server mid round trip.
     */
    private static void await(FrameClient client, AtomicLong counter, long target) {
        int spins = 0;
        while (counter.get() < target) {
            if (client.poll() == 0 && ++spins > 100) {
                Thread.yield();
                spins = 0;
            }
        }
    }

    private Histogram rawSocket(int size) throws Exception {
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> {
                try (Socket s = server.accept(); DataInputStream in = new DataInputStream(s.getInputStream());
                     DataOutputStream o = new DataOutputStream(s.getOutputStream())) {
                    s.setTcpNoDelay(true);
                    byte[] buffer = new byte[size];
                    while (true) {
                        in.readFully(buffer);
                        o.write(buffer);
                        o.flush();
                    }
                } catch (Exception e) {
                    // client closed
                }
            }, "raw-echo");
            echo.setDaemon(true);
            echo.start();
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                socket.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                DataOutputStream o = new DataOutputStream(socket.getOutputStream());
                byte[] buffer = new byte[size];
                WarmUp warm = new WarmUp(warmup);
                for (int i = 0, measured = 0; measured < iterations; i++) {
                    long start = System.nanoTime();
                    o.write(buffer);
                    o.flush();
                    in.readFully(buffer);
                    if (warm.done(i)) {
                        histogram.recordValue(System.nanoTime() - start);
                        measured++;
                    }
                }
            }
        }
        return histogram;
    }

    private Histogram rawAeron(AeronTransport aeron, String pingChannel, String pongChannel, int size) throws Exception {
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        try (Publication ping = aeron.aeron().addPublication(pingChannel, 3001);
             Subscription pingSub = aeron.aeron().addSubscription(pingChannel, 3001);
             Publication pong = aeron.aeron().addPublication(pongChannel, 3002);
             Subscription pongSub = aeron.aeron().addSubscription(pongChannel, 3002)) {
            while (!ping.isConnected() || !pong.isConnected()) {
                Thread.sleep(1);
            }
            UnsafeBuffer echoBuffer = new UnsafeBuffer(new byte[size]);
            Thread ponger = new Thread(() -> {
                FragmentAssembler echoHandler = new FragmentAssembler((buffer, offset, length, header) -> {
                    buffer.getBytes(offset, echoBuffer, 0, length);
                    while (pong.offer(echoBuffer, 0, length) < 0) {
                        Thread.onSpinWait();
                    }
                });
                // the same idle strategy as the API's server poller, so the comparison is of the API, not of idling
                IdleStrategy idle = aeron.newIdleStrategy();
                while (!Thread.currentThread().isInterrupted()) {
                    idle.idle(pingSub.poll(echoHandler, 10));
                }
            }, "raw-aeron-pong");
            ponger.setDaemon(true);
            ponger.start();
            ping(ping, pongSub, size, histogram);
            ponger.interrupt();
            ponger.join(1000);
        }
        return histogram;
    }

    /**
     * The raw ping of {@link #rawAeron} against an {@link AeronFrameServer}: it says HELLO as the platform's client
     * does, then offers and polls exactly as the raw ping. Against the raw row it isolates the server's share of the
     * API's cost; against the API row, the client's.
     */
    private Histogram rawClientPlatformServer(AeronTransport aeron, int size) throws Exception {
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        String serverChannel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        String replyChannel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        AeronFrameServer server = new AeronFrameServer(aeron, serverChannel, 2101, 1 << 20, ECHO);
        try (Publication ping = aeron.aeron().addPublication(serverChannel, 2101);
             Subscription replies = aeron.aeron().addSubscription(replyChannel, 2102)) {
            UnsafeBuffer hello = AeronFrameLayout.hello(2102, replyChannel);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!replies.isConnected()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the platform server did not answer the raw client's HELLO");
                }
                if (ping.isConnected()) {
                    ping.offer(hello, 0, hello.capacity(), AeronFrameLayout.MARK_HELLO);
                }
                Thread.sleep(5);
            }
            ping(ping, replies, size, histogram);
        } finally {
            server.close();
        }
        return histogram;
    }

    /**
     * The raw ping: offers a message, then polls for its echo (yielding after every 100 empty polls), round after
     * round, recording each round trip after the warm-up. The message starts with its number, big-endian.
     */
    private void ping(Publication ping, Subscription replies, int size, Histogram histogram) {
        UnsafeBuffer message = new UnsafeBuffer(new byte[size]);
        long[] received = {0};
        FragmentAssembler counter = new FragmentAssembler((buffer, offset, length, header) -> received[0]++);
        WarmUp warm = new WarmUp(warmup);
        for (int i = 0, measured = 0; measured < iterations; i++) {
            long start = System.nanoTime();
            message.putLong(0, i, ByteOrder.BIG_ENDIAN);
            while (ping.offer(message, 0, size) < 0) {
                Thread.onSpinWait();
            }
            int spins = 0;
            while (received[0] < i + 1) {
                if (replies.poll(counter, 1) == 0 && ++spins > 100) {
                    Thread.yield();
                    spins = 0;
                }
            }
            if (warm.done(i)) {
                histogram.recordValue(System.nanoTime() - start);
                measured++;
            }
        }
    }

    /**
     * The end of a run's warm-up: at least the requested round trips, and then until the JIT compilers have been idle
     * for {@link #QUIET_NS} (at most {@link #MAX_NS}). On two cores a C1/C2 compiler thread still at work takes a core
     * from the ping or the pong: a scheduler trace of a 1 KiB IPC run after 5,000 round trips showed the compilers
     * running 1.1 s of the 1.4 s and the API's p99 at 3x the raw path's, whose smaller code had finished compiling.
     */
    static final class WarmUp {
        static final long QUIET_NS = TimeUnit.MILLISECONDS.toNanos(500);
        static final long MAX_NS = TimeUnit.SECONDS.toNanos(30);
        private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        private final int minimum;
        private final long startNs = System.nanoTime();
        private long compiledMs = -1;
        private long quietSinceNs;
        private boolean done;

        WarmUp(int minimum) {
            this.minimum = minimum;
        }

        /** Whether round trip {@code i} is past the warm-up; checks the JIT once per 256 round trips. */
        boolean done(int i) {
            if (done || i < minimum || (i & 255) != 0) {
                return done;
            }
            long now = System.nanoTime();
            long compiled = jit == null || !jit.isCompilationTimeMonitoringSupported() ? 0 : jit.getTotalCompilationTime();
            if (compiled != compiledMs) {
                compiledMs = compiled;
                quietSinceNs = now;
            }
            done = now - quietSinceNs >= QUIET_NS || now - startNs >= MAX_NS;
            return done;
        }
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
