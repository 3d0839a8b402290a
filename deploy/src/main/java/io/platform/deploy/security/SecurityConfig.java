package io.platform.deploy.security;

import io.platform.deploy.node.ConfigException;
import io.platform.deploy.node.NodeConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code security.*} keys. {@code security.enabled=true} makes every HTTP and TCP listener of the gateway and the
 * query service require a client certificate from the node's authority and checks every request against the policy
 * file. A node bound to an address other than loopback refuses to start without it unless {@code security.insecure}
 * says so on purpose.
 *
 * @param enabled    {@code security.enabled}
 * @param policyFile {@code security.policy-file} (default {@code <data.dir>/security/policy.json})
 * @param openPaths  {@code security.open-paths}: path prefixes served to any client with a valid certificate
 *                   whatever the policy says (e.g. {@code /health} for a load balancer's check)
 * @param tlsDir     the node's authority and revocations ({@code <data.dir>/tls})
 */
public record SecurityConfig(boolean enabled, Path policyFile, List<String> openPaths, Path tlsDir) {
    /** How often the policy file is checked for edits: a change is in force within this. */
    public static final long POLICY_CHECK_MS = 1000;

    /** Reads the keys above; refuses a non-loopback {@code bind.host} without security unless it is meant. */
    public static SecurityConfig from(NodeConfig config) {
        boolean enabled = config.bool("security.enabled");
        String host = config.get("bind.host");
        if (!enabled && !config.bool("security.insecure") && !loopback(host)) {
            throw new ConfigException("bind.host=" + host + " is reachable from other machines and security.enabled=false: any client"
                    + " could register schemas, ingest, read every stream and submit jobs. Set security.enabled=true (see"
                    + " docs/operations.md, Security), or security.insecure=true to run open on purpose");
        }
        String policy = config.get("security.policy-file");
        List<String> open = Arrays.stream(config.get("security.open-paths").split(","))
                .map(String::trim).filter(p -> !p.isEmpty()).toList();
        for (String path : open) {
            if (!path.startsWith("/")) {
                throw new ConfigException("security.open-paths=" + config.get("security.open-paths") + ": '" + path
                        + "' is not a path; use prefixes such as /health,/metrics");
            }
        }
        return new SecurityConfig(enabled, policy.isEmpty() ? config.dataDir().resolve("security").resolve("policy.json")
                : Path.of(policy), open, config.dataDir().resolve("tls"));
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new ConfigException("bind.host=" + host + " does not resolve: use an address of this machine, e.g. 127.0.0.1");
        }
    }
}
