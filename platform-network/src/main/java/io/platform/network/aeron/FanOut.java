package io.platform.network.aeron;

import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.platform.network.FrameConnection;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.function.Consumer;
import org.agrona.concurrent.IdleStrategy;

/**
 * One publisher, many subscribers, over Aeron UDP: IP multicast where the network allows it (the sender writes each
 * frame once and the switches copy it), otherwise multi-destination-cast (MDC: the publisher's driver sends a unicast
 * copy to each subscriber that announced itself on the publisher's control address). Multicast is often filtered
 * between subnets and in clouds, and needs an interface flagged MULTICAST (a plain loopback is not), so {@code auto}
 * takes multicast only when the local interface says it supports it; every node of one fan-out must end with the same
 * mode, so set it explicitly on a cluster whose hosts differ.
 */
public final class FanOut {
    /** How frames reach the subscribers. */
    public enum Mode { MULTICAST, MDC }

    /** Where the publisher publishes and where a subscriber on this host subscribes, and why this mode. */
    public record Channels(Mode mode, String publication, String subscription, String explanation) {
    }

    private FanOut() {
    }

    /**
     * @param preferred {@code multicast}, {@code mdc} or {@code auto}
     * @param localAddress this host's address on the network the fan-out uses (its interface is the one judged)
     * @param group the multicast group and port, e.g. {@code 239.255.0.1:40500}
     * @param control the publisher's host and port that MDC subscribers announce themselves to
     */
    public static Channels choose(String preferred, String localAddress, String group, String control) {
        String why;
        switch (preferred) {
            case "multicast" -> {
                return multicast(localAddress, group, "multicast (configured)");
            }
            case "mdc" -> {
                return mdc(localAddress, control, "MDC (configured)");
            }
            case "auto" -> {
                why = multicastRefusal(localAddress);
                if (why == null) {
                    return multicast(localAddress, group, "multicast: the interface of " + localAddress + " is up and supports it");
                }
            }
            default -> throw new IllegalArgumentException("fan-out mode '" + preferred + "' is not one of multicast, mdc, auto");
        }
        return mdc(localAddress, control, "MDC (unicast copies from the publisher): " + why);
    }

    /** Why the interface holding {@code localAddress} cannot carry multicast, or null when it can. */
    public static String multicastRefusal(String localAddress) {
        try {
            NetworkInterface nic = NetworkInterface.getByInetAddress(InetAddress.getByName(localAddress));
            if (nic == null) {
                return "no interface of this host has address " + localAddress;
            }
            if (!nic.isUp()) {
                return "interface " + nic.getName() + " is down";
            }
            if (!nic.supportsMulticast()) {
                return "interface " + nic.getName() + " does not support multicast (no MULTICAST flag"
                        + (nic.isLoopback() ? "; a loopback has none unless 'ip link set " + nic.getName() + " multicast on'" : "") + ")";
            }
            return null;
        } catch (SocketException | UnknownHostException e) {
            return "cannot inspect the interface of " + localAddress + ": " + e.getMessage();
        }
    }

    private static Channels multicast(String localAddress, String group, String explanation) {
        String channel = "aeron:udp?endpoint=" + group + "|interface=" + localAddress;
        return new Channels(Mode.MULTICAST, channel, channel, explanation);
    }

    private static Channels mdc(String localAddress, String control, String explanation) {
        return new Channels(Mode.MDC, "aeron:udp?control=" + control + "|control-mode=dynamic",
                "aeron:udp?endpoint=" + localAddress + ":0|control=" + control + "|control-mode=dynamic", explanation);
    }

    /** Publishes frames to every subscriber of a fan-out. Use from one thread. */
    public static final class Publisher implements AutoCloseable {
        private final Publication publication;

        public Publisher(AeronTransport transport, Channels channels, int streamId) {
            this.publication = transport.aeron().addPublication(channels.publication(), streamId);
        }

        /** Whether at least one subscriber is connected. */
        public boolean isConnected() {
            return publication.isConnected();
        }

        /**
         * One offer of the frame's readable bytes: SENT (the frame is released), BACK_PRESSURED (the slowest
         * subscriber's window is full: try again later) or NOT_CONNECTED (no subscriber yet). The frame is kept
         * unless SENT.
         */
        public FrameConnection.Offer offer(ByteBuf frame) {
            return AeronConnection.offerOnce(publication, frame);
        }

        @Override
        public void close() {
            publication.close();
        }
    }

    /** Receives a fan-out's frames on its own poller thread, with the transport's idle strategy. */
    public static final class Subscriber implements AutoCloseable {
        private final Subscription subscription;
        private final Thread poller;
        private volatile boolean running = true;

        /** @param onFrame gets each frame's bytes on the poller thread; the buffer is reused after it returns */
        public Subscriber(AeronTransport transport, Channels channels, int streamId, int maxFrameLength, Consumer<ByteBuf> onFrame) {
            this.subscription = transport.aeron().addSubscription(channels.subscription(), streamId);
            ByteBuf frame = Unpooled.buffer(maxFrameLength, maxFrameLength);
            FragmentAssembler assembled = new FragmentAssembler((buffer, offset, length, header) -> {
                if (AeronConnection.copyInto(frame, buffer, offset, length)) {
                    onFrame.accept(frame);
                }
            });
            this.poller = new Thread(() -> {
                IdleStrategy idle = transport.newIdleStrategy();
                while (running) {
                    idle.idle(subscription.poll(assembled, 64));
                }
            }, "aeron-fan-out-subscriber");
            poller.setDaemon(true);
            poller.start();
        }

        /** Whether the publisher's stream has reached this subscriber. */
        public boolean isConnected() {
            return subscription.isConnected();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            poller.join(5_000);
            subscription.close();
        }
    }
}
