package io.platform.network.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two paths over loopback to a responder in this JVM: failover without loss, and asymmetry reported. */
class MultipathLinkTest {
    private static List<MultipathLink.Route> routes(PathResponder responder) throws Exception {
        return List.of(new MultipathLink.Route(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", responder.port(0))),
                new MultipathLink.Route(new InetSocketAddress("127.0.0.2", 0), new InetSocketAddress("127.0.0.1", responder.port(1))));
    }

    private static void await(String what, long timeoutMs, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void whenTheActivePathFallsSilentTrafficMovesAndEveryMessageArrivesOnce() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (PathResponder responder = new PathResponder(List.of(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0)));
             MultipathLink link = new MultipathLink(routes(responder), 10, TimeUnit.MILLISECONDS, 8.0, 200, 2_000, log::add)) {
            await("both paths live", 60_000, () -> link.report().stream().allMatch(MultipathLink.PathReport::alive));
            int total = 3_000;
            long silencedAt = 0;
            long heldUpAtSilence = 0;
            for (int i = 0; i < total; i++) {
                link.send(("message " + i).getBytes());
                if (i == total / 3) {
                    responder.silence(0);
                    silencedAt = System.nanoTime();
                    heldUpAtSilence = link.heldUpNs();
                }
                Thread.sleep(0, 200_000);
            }
            await("every message acknowledged", 60_000, () -> link.acknowledged() == total);
            assertEquals(1, link.activePath(), "traffic on the surviving path");
            assertTrue(link.failovers() >= 1);
            // measured in the link's own running time: what this host held its heartbeat loop up is not detection time
            long wallMs = (link.lastFailoverAtNs() - silencedAt) / 1_000_000;
            long detectedMs = wallMs - (link.heldUpAtLastFailoverNs() - heldUpAtSilence) / 1_000_000;
            // the wall clock still bounds it, generously: a heartbeat loop made slow by a change must not excuse itself
            assertTrue(wallMs < 10_000, "dead path detected after " + wallMs + " ms on the wall clock");
            assertTrue(detectedMs < 500, "dead path detected in " + detectedMs + " ms of the link's running time (" + wallMs
                    + " ms on the wall clock)");
            assertEquals(total, responder.received(), "every message delivered");
            assertEquals(0, link.unacknowledged());
            assertTrue(log.stream().anyMatch(l -> l.startsWith("path 0") && l.contains("traffic moved to path 1")), log.toString());
        }
    }

    @Test
    void reportsAPathWhoseReturnTakesLongerThanItsWayOut() throws Exception {
        try (PathResponder responder = new PathResponder(List.of(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0)));
             MultipathLink link = new MultipathLink(routes(responder), 10, TimeUnit.MILLISECONDS, 8.0, 200, 2_000, m -> { })) {
            responder.holdReplies(1, TimeUnit.MILLISECONDS.toNanos(5));
            // the delay windows (minima over the last 32 heartbeats) fill at the pace the heartbeat loop gets to run on
            // this host, path 1's with held replies: one early sample (startup, a starved core) is not what a path does
            await("full delay windows, path 1's with its reverse delay 4 ms over its forward delay", 60_000, () -> {
                List<MultipathLink.PathReport> now = link.report();
                return now.get(0).delaySamples() >= MultipathLink.DELAY_WINDOW
                        && now.get(1).reverseNs() - now.get(1).forwardNs() > TimeUnit.MILLISECONDS.toNanos(4);
            });
            List<MultipathLink.PathReport> report = link.report();
            MultipathLink.PathReport straight = report.get(0);
            MultipathLink.PathReport skewed = report.get(1);
            assertFalse(straight.asymmetric(), straight.toString());
            assertTrue(skewed.asymmetric(), skewed.toString());
            assertTrue(skewed.reverseNs() - skewed.forwardNs() > TimeUnit.MILLISECONDS.toNanos(4), skewed.toString());
        }
    }
}
