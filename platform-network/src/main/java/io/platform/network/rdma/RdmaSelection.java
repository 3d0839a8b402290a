package io.platform.network.rdma;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Decides whether a channel can run over RDMA on this host, and over which fabric; otherwise names the fallback.
 *
 * <p>The rule (also in docs/operations.md):
 * <ol>
 *   <li>no active RDMA port under {@code /sys/class/infiniband}: Aeron UDP;</li>
 *   <li>an active InfiniBand port: InfiniBand (credit-based, lossless by design, lowest latency; needs a subnet
 *       manager, which an active port implies);</li>
 *   <li>else an active Ethernet port: RoCE v2, which is only lossless with PFC or ECN configured on every switch hop:
 *       the selection says so, as the host cannot see the switches;</li>
 *   <li>in either case the verbs data path also needs the native shim (DiSNI's {@code libdisni} over
 *       {@code libibverbs}); when it cannot be loaded, Aeron UDP.</li>
 * </ol>
 */
public final class RdmaSelection {
    /** The fabric chosen. */
    public enum Fabric { INFINIBAND, ROCE, NONE }

    /** What the host has, what was chosen, and why. */
    public record Decision(List<RdmaPort> ports, Fabric fabric, boolean rdmaUsable, String explanation) {
    }

    private RdmaSelection() {
    }

    /** Reads every device port below {@code root}/sys/class/infiniband ({@code root} is "/" on a real host). */
    public static List<RdmaPort> scan(Path root) {
        Path devices = root.resolve("sys/class/infiniband");
        List<RdmaPort> ports = new ArrayList<>();
        if (!Files.isDirectory(devices)) {
            return ports;
        }
        try (Stream<Path> all = Files.list(devices)) {
            for (Path device : all.sorted().toList()) {
                Path portsDir = device.resolve("ports");
                if (!Files.isDirectory(portsDir)) {
                    continue;
                }
                try (Stream<Path> portDirs = Files.list(portsDir)) {
                    for (Path port : portDirs.sorted().toList()) {
                        String name = port.getFileName().toString();
                        if (name.matches("\\d+")) {
                            ports.add(new RdmaPort(device.getFileName().toString(), Integer.parseInt(name),
                                    read(port.resolve("link_layer")), read(port.resolve("state")), read(port.resolve("rate"))));
                        }
                    }
                }
            }
        } catch (IOException e) {
            // unreadable sysfs: as if no device
        }
        return ports;
    }

    /** Applies the rule to the scanned ports; {@code nativeShimLoaded} says whether the verbs shim is present. */
    public static Decision decide(List<RdmaPort> ports, boolean nativeShimLoaded, String fallback) {
        RdmaPort ib = ports.stream().filter(p -> p.active() && p.infiniBand()).findFirst().orElse(null);
        RdmaPort roce = ports.stream().filter(p -> p.active() && p.roce()).findFirst().orElse(null);
        if (ib == null && roce == null) {
            String seen = ports.isEmpty() ? "no RDMA device under /sys/class/infiniband" : "no active RDMA port (" + ports + ")";
            return new Decision(ports, Fabric.NONE, false, "RDMA: " + seen + "; using " + fallback);
        }
        Fabric fabric = ib != null ? Fabric.INFINIBAND : Fabric.ROCE;
        String chosen = ib != null ? ib + ": InfiniBand" : roce + ": RoCE v2 (needs PFC or ECN on every switch hop to stay lossless)";
        if (!nativeShimLoaded) {
            return new Decision(ports, fabric, false, "RDMA: found " + chosen
                    + ", but the verbs shim (libdisni) is not loadable; using " + fallback);
        }
        return new Decision(ports, fabric, true, "RDMA: using " + chosen);
    }

    /** Scans this host, decides, and logs the one line that says what happened. */
    public static Decision forThisHost(String fallback, Consumer<String> log) {
        Decision decision = decide(scan(Path.of("/")), nativeShimLoadable(), fallback);
        log.accept(decision.explanation());
        return decision;
    }

    /** Whether DiSNI's native library can be loaded (it wraps libibverbs). */
    public static boolean nativeShimLoadable() {
        try {
            System.loadLibrary("disni");
            return true;
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return null;
        }
    }
}
