package io.platform.network.path;

import static io.platform.network.Commands.must;
import static io.platform.network.Commands.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two real network paths to a peer process in its own network namespace, over two veth pairs this test creates; one
 * link is taken down mid-stream. Needs root and iproute2; elsewhere it is skipped with the reason.
 */
class MultipathNetnsTest {
    private final String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
    private final String namespace = "plat" + id;
    private final String vethA = "pa" + id;
    private final String vethB = "pb" + id;
    private final int octet = 200 + ThreadLocalRandom.current().nextInt(50);
    private final List<String> log = new CopyOnWriteArrayList<>();
    private Process peer;

    private boolean namespacesAvailable() {
        try {
            return run("ip", "netns", "add", namespace) == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Root side 10.O.P.1 on veth p0, namespace side 10.O.P.2 on p1. */
    private void pair(String veth, int subnet) throws IOException, InterruptedException {
        must("ip", "link", "add", veth + "0", "type", "veth", "peer", "name", veth + "1");
        must("ip", "link", "set", veth + "1", "netns", namespace);
        must("ip", "addr", "add", "10." + octet + "." + subnet + ".1/24", "dev", veth + "0");
        must("ip", "link", "set", veth + "0", "up");
        must("ip", "-n", namespace, "addr", "add", "10." + octet + "." + subnet + ".2/24", "dev", veth + "1");
        must("ip", "-n", namespace, "link", "set", veth + "1", "up");
    }

    @AfterEach
    void removeNetwork() throws Exception {
        if (peer != null) {
            peer.destroyForcibly();
        }
        run("ip", "link", "del", vethA + "0");
        run("ip", "link", "del", vethB + "0");
        run("ip", "netns", "del", namespace);
    }

    @Test
    void aLinkTakenDownMidStreamIsDetectedAndTrafficMovesToTheOtherPathWithoutLoss() throws Exception {
        assumeTrue(namespacesAvailable(), "creating network namespaces needs root and iproute2 ('ip netns add'): skipped here");
        must("ip", "-n", namespace, "link", "set", "lo", "up");
        pair(vethA, 1);
        pair(vethB, 2);
        String java = System.getProperty("java.home") + "/bin/java";
        peer = new ProcessBuilder("ip", "netns", "exec", namespace, java, "-cp", System.getProperty("java.class.path"),
                PathResponderProcess.class.getName(), "10." + octet + ".1.2:7301", "10." + octet + ".2.2:7301").start();
        BufferedReader peerOut = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", peerOut.readLine(), "the peer process started in its namespace");

        List<MultipathLink.Route> routes = new ArrayList<>();
        routes.add(new MultipathLink.Route(new InetSocketAddress("10." + octet + ".1.1", 0), new InetSocketAddress("10." + octet + ".1.2", 7301)));
        routes.add(new MultipathLink.Route(new InetSocketAddress("10." + octet + ".2.1", 0), new InetSocketAddress("10." + octet + ".2.2", 7301)));
        try (MultipathLink link = new MultipathLink(routes, 10, TimeUnit.MILLISECONDS, 8.0, 200, 2_000, log::add)) {
            // asymmetry is judged on the minimum delays over a full window: one heartbeat the peer's JVM answered late
            // (a loaded host) is not the path
            long deadline = System.currentTimeMillis() + 60_000;
            while (!link.report().stream().allMatch(p -> p.alive() && p.delaySamples() >= MultipathLink.DELAY_WINDOW)) {
                assertTrue(System.currentTimeMillis() < deadline, "both paths answer heartbeats, a full delay window each: " + link.report());
                Thread.sleep(10);
            }
            assertTrue(link.report().stream().noneMatch(MultipathLink.PathReport::asymmetric), "veth pairs are symmetric: " + link.report());

            int total = 3_000;
            long downingAt = 0;
            long downAt = 0;
            long heldUpAtDown = 0;
            // the link that carries the traffic goes down: path A, unless a pause of the peer's JVM while it started
            // already moved the traffic to B (no flapping back), then B
            int downed = -1;
            for (int i = 0; i < total; i++) {
                link.send(("event " + i).getBytes(StandardCharsets.UTF_8));
                if (i == total / 3) {
                    downed = link.activePath();
                    // the link went down between these two instants (running ip can take a while on a loaded host)
                    downingAt = System.nanoTime();
                    must("ip", "link", "set", (downed == 0 ? vethA : vethB) + "0", "down");
                    downAt = System.nanoTime();
                    heldUpAtDown = link.heldUpNs();
                }
                Thread.sleep(0, 300_000);
            }
            deadline = System.currentTimeMillis() + 60_000;
            while (link.acknowledged() < total && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(total, link.acknowledged(), "every message acknowledged; log: " + log);
            assertEquals(1 - downed, link.activePath(), "traffic moved to the other path; log: " + log);
            // the death of the downed path after the link went down; a spurious one earlier (a loaded host) would be a wrong answer too
            assertTrue(link.declaredDeadAtNs(downed) >= downingAt, "the downed path's death declared after the link went down, not before; log: " + log);
            // measured in the link's own running time: what this host held its heartbeat loop up is not detection time
            long wallMs = (link.declaredDeadAtNs(downed) - downAt) / 1_000_000;
            long detectedMs = wallMs - (link.heldUpAtDeathNs(downed) - heldUpAtDown) / 1_000_000;
            // the wall clock still bounds it, generously: a heartbeat loop made slow by a change must not excuse itself
            assertTrue(wallMs < 10_000, "link loss detected after " + wallMs + " ms on the wall clock; log: " + log);
            assertTrue(detectedMs < 1_000, "link loss detected in " + detectedMs + " ms of the link's running time (" + wallMs
                    + " ms on the wall clock); log: " + log);
            assertTrue(!link.report().get(downed).alive(), "the downed path reported dead: " + link.report());
        }
        peer.getOutputStream().close();
        String counts = peerOut.readLine();
        assertEquals("received=3000 duplicates=" + counts.substring(counts.indexOf("duplicates=") + 11), counts,
                "the peer got every message, each counted once however often it was resent");
        System.out.println("multipath over netns: " + log);
    }
}
