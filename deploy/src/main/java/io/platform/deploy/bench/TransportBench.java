package io.platform.deploy.bench;

import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.netty.buffer.ByteBuf;
import io.platform.network.FrameClient;
import io.platform.network.FrameConnection;
import io.platform.network.FrameHandler;
import io.platform.network.aeron.AeronFrameClient;
import io.platform.network.aeron.AeronFrameLayout;
import io.platform.network.aeron.AeronFrameServer;
import io.platform.network.aeron.AeronTransport;
import io.platform.network.tcp.FramedTcpClient;
import io.platform.network.tcp.FramedTcpServer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@code platform bench transport}: round-trip ping-pong, one message outstanding, over each transport through the
 * platform's frame API and raw, in one run, so the API's overhead is a ratio against the library underneath.
 * RTT is measured on the pinging thread with System.nanoTime; waits yield (2-core hosts starve busy spinners).
 */
public final class TransportBench {
    private static final FrameHandler ECHO = (connection, frame) -> {
        ByteBuf copy = connection.alloc().buffer(frame.readableBytes());
        copy.writeBytes(frame, frame.readerIndex(), frame.readableBytes());
        connection.send(copy);
    };

    private final PrintStream out;
    private final int warmup;
    private final int iterations;

    public TransportBench(PrintStream out, int warmup, int iterations) {
        this.out = out;
        this.warmup = warmup;
        this.iterations = iterations;
    }

    public void run(String idleStrategy) throws Exception {
        out.printf("transport bench: ping-pong RTT, %d warm-up + %d measured round trips per row, idle strategy %s%n%n", warmup, iterations, idleStrategy);
        out.printf("%-32s %6s %10s %10s %10s %10s %12s%n", "transport", "bytes", "p50 us", "p99 us", "p999 us", "max us", "msgs/s");
        try (AeronTransport aeron = AeronTransport.launch(idleStrategy)) {
            for (int size : new int[] {32, 1024}) {
                Histogram rawTcp = rawSocket(size);
                report("raw blocking socket TCP", size, rawTcp);
                report("platform API over Netty TCP", size, api(size, echo -> {
                    FramedTcpServer server = FramedTcpServer.bind("127.0.0.1", 0, 1, 1 << 20, ECHO);
                    return new Endpoint(server::close, replies -> FramedTcpClient.connect("127.0.0.1", server.port(), 1 << 20, replies));
                }));
                // raw and API in ABBA order, each side's two runs pooled: a run after another leaves the shared media
                // driver with lingering publications (its duty cycle walks them), so a fixed order favours the first
                Histogram rawIpc = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                Histogram apiIpc = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                Histogram rawUdp = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                Histogram apiUdp = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                for (int round = 0; round < 4; round++) {
                    boolean raw = round == 0 || round == 3;
                    if (raw) {
                        rawIpc.add(rawAeron(aeron, "aeron:ipc", "aeron:ipc", size));
                        rawUdp.add(rawAeron(aeron, "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort(), "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort(), size));
                    } else {
                        int stream = 2001 + 2 * round;
                        apiIpc.add(api(size, echo -> {
                            AeronFrameServer server = new AeronFrameServer(aeron, "aeron:ipc", stream, 1 << 20, ECHO);
                            return new Endpoint(server::close, replies -> AeronFrameClient.connectPolled(aeron, "aeron:ipc", stream, "aeron:ipc", 1 << 20, replies, 10_000));
                        }));
                        String serverUdp = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
                        apiUdp.add(api(size, echo -> {
                            AeronFrameServer server = new AeronFrameServer(aeron, serverUdp, stream + 1, 1 << 20, ECHO);
                            return new Endpoint(server::close, replies -> AeronFrameClient.connectPolled(aeron, serverUdp, stream + 1, "aeron:udp?endpoint=127.0.0.1:0", 1 << 20, replies, 10_000));
                        }));
                    }
                }
                report("raw Aeron IPC", size, rawIpc);
                report("platform API over Aeron IPC", size, apiIpc);
                report("raw Aeron UDP loopback", size, rawUdp);
                report("platform API over Aeron UDP", size, apiUdp);
                // which side of the API costs: a raw client (offer, poll) against the platform's server
                report("raw client, platform server UDP", size, rawClientPlatformServer(aeron, size));
                out.printf("   API/raw p99: Aeron IPC %.2f, Aeron UDP %.2f%n", ratio(apiIpc, rawIpc), ratio(apiUdp, rawUdp));
            }
        }
    }

    private static double ratio(Histogram api, Histogram raw) {
        return api.getValueAtPercentile(99) / (double) Math.max(1, raw.getValueAtPercentile(99));
    }

    private void report(String name, int size, Histogram h) {
        double meanUs = h.getMean() / 1e3;
        out.printf("%-32s %6d %10.1f %10.1f %10.1f %10.1f %,12.0f%n", name, size, h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, 1e6 / meanUs);
    }

    private record Endpoint(AutoCloseableServer server, io.platform.ingest.client.GatewayClient.Transport client) {
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
            for (int i = 0; i < warmup + iterations; i++) {
                long start = System.nanoTime();
                ByteBuf frame = connection.alloc().buffer(size);
                frame.writeLong(i).writeZero(size - 8);
                connection.send(frame);
                await(client, received, i + 1);
                if (i >= warmup) {
                    histogram.recordValue(System.nanoTime() - start);
                }
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
                for (int i = 0; i < warmup + iterations; i++) {
                    long start = System.nanoTime();
                    o.write(buffer);
                    o.flush();
                    in.readFully(buffer);
                    if (i >= warmup) {
                        histogram.recordValue(System.nanoTime() - start);
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
                org.agrona.concurrent.IdleStrategy idle = aeron.newIdleStrategy();
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
        for (int i = 0; i < warmup + iterations; i++) {
            long start = System.nanoTime();
            message.putLong(0, i, java.nio.ByteOrder.BIG_ENDIAN);
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
            if (i >= warmup) {
                histogram.recordValue(System.nanoTime() - start);
            }
        }
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
