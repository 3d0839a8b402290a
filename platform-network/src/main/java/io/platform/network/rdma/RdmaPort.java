package io.platform.network.rdma;

/**
 * One port of an RDMA device as the kernel reports it under {@code /sys/class/infiniband/<device>/ports/<port>}.
 *
 * @param linkLayer {@code InfiniBand} or {@code Ethernet} (RoCE)
 * @param state e.g. {@code 4: ACTIVE}
 * @param rate e.g. {@code 100 Gb/sec (4X EDR)}
 */
public record RdmaPort(String device, int port, String linkLayer, String state, String rate) {
    public boolean active() {
        return state != null && state.contains("ACTIVE");
    }

    public boolean infiniBand() {
        return "InfiniBand".equalsIgnoreCase(linkLayer);
    }

    public boolean roce() {
        return "Ethernet".equalsIgnoreCase(linkLayer);
    }

    @Override
    public String toString() {
        return device + " port " + port + " (" + (infiniBand() ? "InfiniBand" : roce() ? "RoCE" : linkLayer) + ", "
                + state + ", " + rate + ")";
    }
}
