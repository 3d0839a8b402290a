package io.platform.network.aeron;

import io.platform.network.FrameHandler;
import java.util.EnumMap;
import java.util.Map;

/**
 * Control, data and management traffic on separate Aeron channels, each with its own subscription and poller thread
 * (the software side of NIC partitioning: give each class its own interface and port on real hosts). A flood on the
 * data channel then fills only the data channel's buffers and poller; control messages are read and answered by
 * their own poller regardless of the data backlog. Thread-safe.
 */
public final class TrafficClasses implements AutoCloseable {
    /** The classes of traffic a node separates. */
    public enum TrafficClass { CONTROL, DATA, MANAGEMENT }

    private final Map<TrafficClass, AeronFrameServer> servers = new EnumMap<>(TrafficClass.class);

    /**
     * @param channels one channel per class, e.g. {@code aeron:udp?endpoint=10.0.1.5:40124} for control on its own NIC
     * @param handlers the handler of each class
     */
    public TrafficClasses(AeronTransport transport, Map<TrafficClass, String> channels, int streamId, int maxFrameLength,
                          Map<TrafficClass, FrameHandler> handlers) {
        for (TrafficClass trafficClass : TrafficClass.values()) {
            String channel = channels.get(trafficClass);
            FrameHandler handler = handlers.get(trafficClass);
            if (channel != null && handler != null) {
                servers.put(trafficClass, new AeronFrameServer(transport, channel, streamId, maxFrameLength, handler));
            }
        }
    }

    public String channel(TrafficClass trafficClass) {
        AeronFrameServer server = servers.get(trafficClass);
        return server == null ? null : server.channel();
    }

    @Override
    public void close() throws InterruptedException {
        for (AeronFrameServer server : servers.values()) {
            server.close();
        }
    }
}
