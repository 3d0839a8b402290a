package io.platform.network.aeron;

import static io.platform.network.Commands.must;
import static io.platform.network.Commands.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * IP multicast for real: a veth pair (its ends flagged MULTICAST, unlike the loopback) between this process and a
 * subscriber process in a network namespace this test creates. Needs root and iproute2; elsewhere it is skipped with
 * the reason.
 */
class FanOutNetnsTest {
    private final String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
    private final String namespace = "fan" + id;
    private final String veth = "fo" + id;
    private final int octet = 200 + ThreadLocalRandom.current().nextInt(50);
    private Process subscriber;

    @AfterEach
    void removeNetwork() throws Exception {
        if (subscriber != null) {
            subscriber.destroyForcibly();
        }
        run("ip", "link", "del", veth + "0");
        run("ip", "netns", "del", namespace);
    }

    @Test
    void autoPicksMulticastOnAVethAndASubscriberInAnotherNamespaceGetsEveryFrame() throws Exception {
        boolean namespaces;
        try {
            namespaces = run("ip", "netns", "add", namespace) == 0;
        } catch (IOException e) {
            namespaces = false;
        }
        assumeTrue(namespaces, "creating network namespaces needs root and iproute2 ('ip netns add'): skipped here");
        String local = "10." + octet + ".7.1";
        String remote = "10." + octet + ".7.2";
        must("ip", "link", "add", veth + "0", "type", "veth", "peer", "name", veth + "1");
        must("ip", "link", "set", veth + "1", "netns", namespace);
        must("ip", "addr", "add", local + "/24", "dev", veth + "0");
        must("ip", "link", "set", veth + "0", "up");
        must("ip", "-n", namespace, "addr", "add", remote + "/24", "dev", veth + "1");
        must("ip", "-n", namespace, "link", "set", veth + "1", "up");
        must("ip", "-n", namespace, "link", "set", "lo", "up");

        String group = "239.255." + octet + ".1:40600";
        String control = local + ":40601";
        FanOut.Channels channels = FanOut.choose("auto", local, group, control);
        assertEquals(FanOut.Mode.MULTICAST, channels.mode(), "a veth is flagged MULTICAST: " + channels.explanation());

        String java = System.getProperty("java.home") + "/bin/java";
        subscriber = new ProcessBuilder("ip", "netns", "exec", namespace, java, "-cp", System.getProperty("java.class.path"),
                FanOutReceiverProcess.class.getName(), "multicast", remote, group, control, "78", String.valueOf(FanOutTest.FRAMES))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(subscriber.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready MULTICAST", out.readLine(), "the subscriber started in its namespace on multicast");

        try (AeronTransport transport = AeronTransport.launch("backoff");
             FanOut.Publisher publisher = new FanOut.Publisher(transport, channels, 78)) {
            long deadline = System.currentTimeMillis() + 20_000;
            while (!publisher.isConnected()) {
                assertTrue(System.currentTimeMillis() < deadline, "the subscriber in the namespace joined the multicast group");
                Thread.sleep(5);
            }
            FanOutTest.publishNumbered(publisher, FanOutTest.FRAMES, deadline);
            assertEquals("received " + FanOutTest.FRAMES, out.readLine(), "every frame crossed the veth by multicast, in order");
        }
    }
}
