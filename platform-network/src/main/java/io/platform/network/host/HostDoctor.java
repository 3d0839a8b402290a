package io.platform.network.host;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.platform.network.rdma.RdmaSelection;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Checks the host for what the platform's latency depends on and says what to change. The values are read from a
 * root directory ({@code /} normally; a test passes a fake tree), so every rule is testable. Stateless, thread-safe.
 */
public final class HostDoctor {
    /** Socket buffers below this limit Aeron's and Kafka's throughput on fast links (Aeron recommends 2 MiB at least). */
    public static final long RECOMMENDED_SOCKET_BUFFER_BYTES = 16L << 20;
    public static final int JUMBO_MTU = 9000;

    private final Path root;

    private HostDoctor(Path root) {
        this.root = root;
    }

    public static HostDoctor forThisHost() {
        return new HostDoctor(Path.of("/"));
    }

    /** A doctor reading {@code /proc}, {@code /sys} and {@code /dev} below {@code root}: for tests and containers. */
    public static HostDoctor forRoot(Path root) {
        return new HostDoctor(root);
    }

    /**
     * Runs every check.
     *
     * @param peerMtus MTUs reported by the configured peers' data interfaces (may be empty)
     */
    public List<HostFinding> run(Map<String, Integer> peerMtus) {
        List<HostFinding> findings = new ArrayList<>();
        Map<String, Integer> mtus = interfaceMtus();
        mtus.forEach((name, mtu) -> findings.add(mtu(name, mtu)));
        if (!peerMtus.isEmpty()) {
            findings.add(mtuConsistency(mtus, peerMtus));
        }
        findings.add(multicast(interfaceFlags()));
        findings.add(socketBuffer("net.core.rmem_max", read("proc/sys/net/core/rmem_max")));
        findings.add(socketBuffer("net.core.wmem_max", read("proc/sys/net/core/wmem_max")));
        findings.add(congestionControl(read("proc/sys/net/ipv4/tcp_congestion_control"),
                read("proc/sys/net/ipv4/tcp_available_congestion_control")));
        findings.add(clockSync(runningProcesses(), hasPtpClock()));
        findings.add(transparentHugePages(read("sys/kernel/mm/transparent_hugepage/enabled")));
        findings.add(swappiness(read("proc/sys/vm/swappiness")));
        findings.add(rdma(RdmaSelection.decide(RdmaSelection.scan(root),
                RdmaSelection.nativeShimLoadable(), "Aeron UDP")));
        findings.add(aesNi(read("proc/cpuinfo"), jvmAesIntrinsics()));
        findings.add(qat(pciDevices()));
        return findings;
    }

    /**
     * Whether AES-GCM (TLS 1.3, encrypted fields) runs on the CPU's AES instructions: the CPU must have them (the
     * {@code aes} flag) and the JVM must use them ({@code -XX:+UseAESIntrinsics}, on by default where they exist).
     */
    static HostFinding aesNi(String cpuinfo, Boolean jvmIntrinsics) {
        boolean cpu = cpuinfo != null && cpuinfo.lines().anyMatch(line -> line.startsWith("flags") && (" " + line + " ").contains(" aes "));
        if (!cpu) {
            return new HostFinding("aes-ni", HostFinding.Level.WARN, "the CPU reports no AES instructions: TLS and field encryption"
                    + " run in software, several times slower", "run TLS-heavy nodes on CPUs with AES-NI");
        }
        if (Boolean.FALSE.equals(jvmIntrinsics)) {
            return new HostFinding("aes-ni", HostFinding.Level.WARN, "the CPU has AES-NI but this JVM does not use it",
                    "remove -XX:-UseAESIntrinsics from the JVM options");
        }
        return new HostFinding("aes-ni", HostFinding.Level.OK, "the CPU has AES-NI and the JVM uses it for AES-GCM"
                + (jvmIntrinsics == null ? " (by default; the JVM did not report its option)" : ""), "");
    }

    /** Intel QuickAssist PCI device ids (vendor 8086): DH895xCC, C62x, C3xxx, C4xxx, 4xxx/401xx and their VFs. */
    private static final Set<String> QAT_DEVICES = Set.of("0x0434", "0x0435", "0x0443", "0x37c8", "0x37c9", "0x19e2", "0x19e3",
            "0x18ee", "0x18ef", "0x18a0", "0x18a1", "0x4940", "0x4941", "0x4942", "0x4943", "0x4944", "0x4945", "0x4946", "0x4947",
            "0x6f54", "0x6f55");

    /** Whether an Intel QAT device is present; the platform offloads nothing to it either way, and says so. */
    static HostFinding qat(List<String> vendorDevicePairs) {
        List<String> found = vendorDevicePairs.stream()
                .filter(pair -> pair.startsWith("0x8086:") && QAT_DEVICES.contains(pair.substring("0x8086:".length()))).toList();
        if (found.isEmpty()) {
            return new HostFinding("qat", HostFinding.Level.OK, "no Intel QuickAssist device: TLS and encryption run on the CPU"
                    + " (AES-NI), which is what the platform uses in any case", "");
        }
        return new HostFinding("qat", HostFinding.Level.OK, "QuickAssist device(s) " + found + " present; the platform does not"
                + " offload to them (no QAT engine is wired): crypto runs on the CPU", "");
    }

    private static Boolean jvmAesIntrinsics() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hotspot == null ? null : Boolean.valueOf(hotspot.getVMOption("UseAESIntrinsics").getValue());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code vendor:device} of every PCI device under {@code /sys/bus/pci/devices}. */
    private List<String> pciDevices() {
        Path devices = root.resolve("sys/bus/pci/devices");
        List<String> pairs = new ArrayList<>();
        if (!Files.isDirectory(devices)) {
            return pairs;
        }
        try (Stream<Path> entries = Files.list(devices)) {
            for (Path device : entries.toList()) {
                String vendor = read(root.relativize(device.resolve("vendor")).toString());
                String id = read(root.relativize(device.resolve("device")).toString());
                if (vendor != null && id != null) {
                    pairs.add(vendor + ":" + id);
                }
            }
        } catch (IOException e) {
            // no PCI view (a container): reported as no device
        }
        return pairs;
    }

    static HostFinding rdma(RdmaSelection.Decision decision) {
        return switch (decision.fabric()) {
            case NONE -> new HostFinding("rdma", HostFinding.Level.OK, "no device: Aeron UDP is the fast path between hosts", "");
            case INFINIBAND -> new HostFinding("rdma", HostFinding.Level.OK, decision.explanation(), "");
            case ROCE -> new HostFinding("rdma", HostFinding.Level.WARN, decision.explanation(),
                    "make every switch hop lossless for RoCE v2 (PFC on the RDMA priority, or ECN with DCQCN), or stay on Aeron UDP");
        };
    }

    /** IFF_UP and IFF_MULTICAST of {@code /sys/class/net/<if>/flags}. */
    private static final int IFF_UP = 0x1;
    private static final int IFF_MULTICAST = 0x1000;

    /**
     * Which interfaces can carry a multicast fan-out ({@code io.platform.network.aeron.FanOut}); without one, fan-out
     * runs as MDC, a unicast copy per subscriber from the publisher's host.
     */
    static HostFinding multicast(Map<String, Integer> flags) {
        List<String> capable = new ArrayList<>();
        flags.forEach((name, value) -> {
            if ((value & IFF_UP) != 0 && (value & IFF_MULTICAST) != 0) {
                capable.add(name);
            }
        });
        if (capable.isEmpty()) {
            return new HostFinding("multicast", HostFinding.Level.OK,
                    "no up interface is flagged MULTICAST: fan-out runs as MDC (a unicast copy per subscriber)",
                    "for one-to-many traffic across many subscribers on a LAN that routes multicast, "
                            + "use an interface with the MULTICAST flag");
        }
        return new HostFinding("multicast", HostFinding.Level.OK, "flagged on " + String.join(", ", capable)
                + ": fan-out in mode auto uses multicast on these (if the switches forward it; else set mdc)", "");
    }

    Map<String, Integer> interfaceFlags() {
        return perInterface("flags", value -> value.matches("0x[0-9a-fA-F]+") ? Integer.parseInt(value.substring(2), 16) : null);
    }

    Map<String, Integer> interfaceMtus() {
        return perInterface("mtu", value -> value.matches("\\d+") ? Integer.parseInt(value) : null);
    }

    /** One value per interface from {@code /sys/class/net/<if>/<file>}; interfaces whose value does not parse are left out. */
    private Map<String, Integer> perInterface(String file, Function<String, Integer> parse) {
        Map<String, Integer> values = new TreeMap<>();
        Path net = root.resolve("sys/class/net");
        if (!Files.isDirectory(net)) {
            return values;
        }
        try (Stream<Path> interfaces = Files.list(net)) {
            interfaces.forEach(dir -> {
                String value = read(root.relativize(dir.resolve(file)).toString());
                Integer parsed = value == null ? null : parse.apply(value.trim());
                if (parsed != null) {
                    values.put(dir.getFileName().toString(), parsed);
                }
            });
        } catch (IOException e) {
            // unreadable: no findings per interface
        }
        return values;
    }

    static HostFinding mtu(String name, int mtu) {
        if (name.equals("lo") || name.startsWith("ifb") || name.startsWith("docker") || name.startsWith("veth")) {
            return new HostFinding("mtu " + name, HostFinding.Level.OK, String.valueOf(mtu), "");
        }
        if (mtu >= JUMBO_MTU) {
            return new HostFinding("mtu " + name, HostFinding.Level.OK, mtu + " (jumbo frames)", "");
        }
        return new HostFinding("mtu " + name, HostFinding.Level.WARN, String.valueOf(mtu),
                "for a data-plane NIC whose switches and peers allow it, use jumbo frames: ip link set dev " + name + " mtu "
                        + JUMBO_MTU + " (fewer packets per byte; every hop must agree, see the peer check)");
    }

    static HostFinding mtuConsistency(Map<String, Integer> local, Map<String, Integer> peers) {
        int localMin = local.entrySet().stream().filter(e -> !e.getKey().equals("lo")).mapToInt(Map.Entry::getValue).min().orElse(1500);
        List<String> smaller = new ArrayList<>();
        peers.forEach((peer, mtu) -> {
            if (mtu != localMin) {
                smaller.add(peer + "=" + mtu);
            }
        });
        if (smaller.isEmpty()) {
            return new HostFinding("mtu across peers", HostFinding.Level.OK, "all " + localMin, "");
        }
        return new HostFinding("mtu across peers", HostFinding.Level.FAIL, "local " + localMin + ", peers " + smaller,
                "set the same MTU on every host of the data path; a mismatch fragments or silently drops large UDP frames");
    }

    static HostFinding socketBuffer(String key, String value) {
        if (value == null || !value.matches("\\d+")) {
            return new HostFinding(key, HostFinding.Level.WARN, "unreadable", "check with: sysctl " + key);
        }
        long bytes = Long.parseLong(value);
        if (bytes >= RECOMMENDED_SOCKET_BUFFER_BYTES) {
            return new HostFinding(key, HostFinding.Level.OK, bytes + " bytes", "");
        }
        return new HostFinding(key, HostFinding.Level.WARN, bytes + " bytes",
                "raise it for high-rate UDP/TCP: sysctl -w " + key + "=" + RECOMMENDED_SOCKET_BUFFER_BYTES
                        + " (persist in /etc/sysctl.d/90-platform.conf)");
    }

    static HostFinding congestionControl(String active, String available) {
        if (active == null) {
            return new HostFinding("tcp congestion control", HostFinding.Level.WARN, "unreadable",
                    "check with: sysctl net.ipv4.tcp_congestion_control");
        }
        Set<String> choices = available == null ? Set.of() : Set.of(available.trim().split("\\s+"));
        if (active.equals("bbr")) {
            return new HostFinding("tcp congestion control", HostFinding.Level.OK, "bbr (available: " + choices + ")", "");
        }
        String how = choices.contains("bbr") ? "sysctl -w net.ipv4.tcp_congestion_control=bbr"
                : "modprobe tcp_bbr, then sysctl -w net.ipv4.tcp_congestion_control=bbr";
        return new HostFinding("tcp congestion control", HostFinding.Level.WARN, active + " (available: " + choices + ")",
                "for cross-site bulk transfer (replication) BBR keeps throughput under loss and queues short: " + how);
    }

    static HostFinding clockSync(Set<String> processes, boolean ptpClock) {
        String ptp = ptpClock ? "PTP hardware clock present" : "no PTP hardware clock (/dev/ptp*)";
        if (processes.contains("ptp4l") || processes.contains("phc2sys")) {
            return new HostFinding("clock sync", HostFinding.Level.OK, "linuxptp running; " + ptp, "");
        }
        if (processes.contains("chronyd") || processes.contains("ntpd") || processes.contains("systemd-timesyn")) {
            return new HostFinding("clock sync", HostFinding.Level.OK, "NTP daemon running; " + ptp,
                    ptpClock ? "with a PTP hardware clock, linuxptp (ptp4l + phc2sys) gives sub-microsecond offsets" : "");
        }
        return new HostFinding("clock sync", HostFinding.Level.WARN, "no chronyd/ntpd/ptp4l running; " + ptp,
                "cross-host end_to_end latency needs synchronized clocks: install chrony (or linuxptp on PTP-capable NICs)");
    }

    static HostFinding transparentHugePages(String value) {
        if (value == null) {
            return new HostFinding("transparent hugepages", HostFinding.Level.OK, "not present", "");
        }
        if (value.contains("[always]")) {
            return new HostFinding("transparent hugepages", HostFinding.Level.WARN, value.trim(),
                    "compaction stalls show up as p999 spikes: echo madvise > /sys/kernel/mm/transparent_hugepage/enabled");
        }
        return new HostFinding("transparent hugepages", HostFinding.Level.OK, value.trim(), "");
    }

    static HostFinding swappiness(String value) {
        if (value == null || !value.matches("\\d+")) {
            return new HostFinding("vm.swappiness", HostFinding.Level.OK, "unreadable", "");
        }
        int swappiness = Integer.parseInt(value);
        if (swappiness <= 10) {
            return new HostFinding("vm.swappiness", HostFinding.Level.OK, value, "");
        }
        return new HostFinding("vm.swappiness", HostFinding.Level.WARN, value,
                "a swapped-out JVM page costs milliseconds: sysctl -w vm.swappiness=1");
    }

    private Set<String> runningProcesses() {
        Set<String> names = new HashSet<>();
        Path proc = root.resolve("proc");
        if (!Files.isDirectory(proc)) {
            return names;
        }
        try (Stream<Path> entries = Files.list(proc)) {
            entries.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
                String comm = read(root.relativize(p.resolve("comm")).toString());
                if (comm != null) {
                    names.add(comm);
                }
            });
        } catch (IOException e) {
            // no process list
        }
        return names;
    }

    private boolean hasPtpClock() {
        Path dev = root.resolve("dev");
        if (!Files.isDirectory(dev)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dev)) {
            return entries.anyMatch(p -> p.getFileName().toString().startsWith("ptp"));
        } catch (IOException e) {
            return false;
        }
    }

    private String read(String relative) {
        // a stream, not Files.readString: procfs reports sizes that make the sized read return a truncated value
        try (InputStream in = Files.newInputStream(root.resolve(relative))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        }
    }
}
