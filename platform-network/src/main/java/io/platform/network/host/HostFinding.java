package io.platform.network.host;

/**
 * One result of a host check.
 *
 * @param check what was checked, e.g. {@code net.core.rmem_max}
 * @param level OK, WARN (works, but costs latency or throughput) or FAIL (will not work as configured)
 * @param observed what the host reports
 * @param advice what to change, with the command, when level is not OK
 */
public record HostFinding(String check, Level level, String observed, String advice) {
    public enum Level { OK, WARN, FAIL }
}
