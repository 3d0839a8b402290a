package io.platform.deploy.cli;

import io.platform.network.host.HostDoctor;
import io.platform.network.host.HostFinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code platform doctor}: checks of this host, with what to fix. */
@Command(name = "doctor", mixinStandardHelpOptions = true, description = "Check this host (MTU, socket buffers, congestion control, clock"
        + " sync, memory) and say what to fix; exits 1 on a failure.")
public final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--peer", description = "a peer's data-interface MTU as name=mtu, to check MTU consistency (repeatable)")
    Map<String, Integer> peers = new LinkedHashMap<>();

    @Option(names = "--data-dir", defaultValue = "./data", description = "data directory whose disk to check (default ${DEFAULT-VALUE})")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        List<HostFinding> findings = new ArrayList<>(HostDoctor.forThisHost().run(peers));
        Path existing = dataDir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null) {
            long free = Files.getFileStore(existing).getUsableSpace();
            findings.add(new HostFinding("disk free " + existing, free < (10L << 30)
                    ? HostFinding.Level.WARN : HostFinding.Level.OK,
                    (free >> 20) + " MiB", free < (10L << 30) ? "keep at least 10 GiB free for Kafka logs, RocksDB compaction and"
                            + " checkpoints" : ""));
        }
        findings.add(new HostFinding("cpus", Runtime.getRuntime().availableProcessors() < 4
                ? HostFinding.Level.WARN : HostFinding.Level.OK,
                Runtime.getRuntime().availableProcessors() + " available",
                Runtime.getRuntime().availableProcessors() < 4 ? "few cores: keep yielding/backoff idle strategies; busy-spin only on"
                        + " isolated cores" : ""));
        boolean failed = false;
        for (HostFinding f : findings) {
            System.out.printf("%-5s %-34s %s%n", f.level(), f.check(), f.observed());
            if (!f.advice().isEmpty()) {
                System.out.printf("      -> %s%n", f.advice());
            }
            failed |= f.level() == HostFinding.Level.FAIL;
        }
        return failed ? 1 : 0;
    }
}
