package io.platform.network.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostDoctorTest {
    @TempDir
    Path root;

    private void write(String path, String content) throws Exception {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content + "\n");
    }

    @Test
    void reportsEachFindingWithAdviceFromAFakeHost() throws Exception {
        write("sys/class/net/eth0/mtu", "1500");
        write("sys/class/net/lo/mtu", "65536");
        write("sys/class/net/eth0/flags", "0x1003");
        write("sys/class/net/lo/flags", "0x9");
        write("proc/sys/net/core/rmem_max", "212992");
        write("proc/sys/net/core/wmem_max", "33554432");
        write("proc/sys/net/ipv4/tcp_congestion_control", "cubic");
        write("proc/sys/net/ipv4/tcp_available_congestion_control", "reno cubic bbr");
        write("sys/kernel/mm/transparent_hugepage/enabled", "[always] madvise never");
        write("proc/sys/vm/swappiness", "60");
        write("proc/123/comm", "chronyd");
        List<HostFinding> findings = HostDoctor.forRoot(root).run(Map.of("peer-a", 1500, "peer-b", 9000));
        Map<String, HostFinding> byCheck = new java.util.HashMap<>();
        findings.forEach(f -> byCheck.put(f.check(), f));
        assertEquals(HostFinding.Level.WARN, byCheck.get("mtu eth0").level());
        assertTrue(byCheck.get("mtu eth0").advice().contains("ip link set dev eth0 mtu 9000"));
        assertEquals(HostFinding.Level.OK, byCheck.get("mtu lo").level());
        assertEquals(HostFinding.Level.FAIL, byCheck.get("mtu across peers").level());
        assertTrue(byCheck.get("mtu across peers").observed().contains("peer-b=9000"));
        assertEquals(HostFinding.Level.WARN, byCheck.get("net.core.rmem_max").level());
        assertEquals(HostFinding.Level.OK, byCheck.get("net.core.wmem_max").level());
        assertTrue(byCheck.get("tcp congestion control").advice().contains("sysctl -w net.ipv4.tcp_congestion_control=bbr"));
        assertEquals(HostFinding.Level.OK, byCheck.get("clock sync").level());
        assertEquals(HostFinding.Level.WARN, byCheck.get("transparent hugepages").level());
        assertEquals(HostFinding.Level.WARN, byCheck.get("vm.swappiness").level());
        assertEquals("flagged on eth0", byCheck.get("multicast").observed().substring(0, "flagged on eth0".length()),
                "eth0 (UP|BROADCAST|MULTICAST) can carry multicast, lo (UP|LOOPBACK) cannot");
    }

    @Test
    void withoutAMulticastInterfaceFanOutIsSaidToRunAsMdc() {
        HostFinding finding = HostDoctor.multicast(Map.of("lo", 0x9, "eth1", 0x1002));
        assertTrue(finding.observed().contains("fan-out runs as MDC"), "lo lacks the flag and eth1 is down: " + finding.observed());
    }

    @Test
    void clockSyncPrefersLinuxPtpAndWarnsWithoutAnyDaemon() {
        assertEquals(HostFinding.Level.OK, HostDoctor.clockSync(Set.of("ptp4l"), true).level());
        assertEquals(HostFinding.Level.WARN, HostDoctor.clockSync(Set.of("bash"), false).level());
        assertTrue(HostDoctor.congestionControl("cubic", "reno cubic").advice().contains("modprobe tcp_bbr"));
    }

    @Test
    void runsOnThisHost() {
        List<HostFinding> findings = HostDoctor.forThisHost().run(Map.of());
        HostFinding rmem = findings.stream().filter(f -> f.check().equals("net.core.rmem_max")).findFirst().orElseThrow();
        // procfs files must be read whole: every kernel's limit is at least a page
        assertTrue(Long.parseLong(rmem.observed().replace(" bytes", "")) >= 4096, rmem.observed());
        assertTrue(findings.stream().anyMatch(f -> f.check().startsWith("mtu ")));
    }

    @Test
    void saysWhetherAesGcmRunsOnAesNiAndThatNothingIsOffloadedToQat() {
        String withAes = "processor\t: 0\nflags\t\t: fpu sse2 aes avx2\n";
        assertEquals(HostFinding.Level.OK, HostDoctor.aesNi(withAes, true).level());
        assertEquals(HostFinding.Level.WARN, HostDoctor.aesNi(withAes, false).level());
        assertTrue(HostDoctor.aesNi(withAes, false).advice().contains("-XX:-UseAESIntrinsics"));
        assertEquals(HostFinding.Level.WARN, HostDoctor.aesNi("flags\t\t: fpu sse2 aesx\n", true).level(), "a word, not a substring");
        assertTrue(HostDoctor.qat(List.of("0x8086:0x1533", "0x15b3:0x1017")).observed().startsWith("no Intel QuickAssist device"));
        HostFinding present = HostDoctor.qat(List.of("0x8086:0x4940"));
        assertTrue(present.observed().contains("[0x8086:0x4940]") && present.observed().contains("does not offload"), present.observed());
    }
}
