package io.platform.deploy.cli;

import io.platform.deploy.node.NodeConfig;
import io.platform.deploy.node.NodeTls;
import io.platform.security.tls.RevokedNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code platform tls issue-client}: client certificates signed by a node's authority. */
@Command(name = "tls", mixinStandardHelpOptions = true, description = "Certificates of a node with gateway.tls.enabled or "
        + "security.enabled.",
        subcommands = {TlsCommands.IssueClient.class, TlsCommands.Revoke.class})
public final class TlsCommands extends CommandGroup {

    @Command(name = "issue-client", mixinStandardHelpOptions = true, description = "Issue a client certificate signed by the node's"
            + " authority: <name>.p12 (PKCS12, protected by <data-dir>/tls/password) and, for curl, kcat and kafkajs, the same as PEM"
            + " (<name>.crt, <name>.key, ca.crt).")
    static final class IssueClient implements Callable<Integer> {
        @Parameters(index = "0", description = "client name (the certificate's CN: the principal access bindings name)")
        String name;

        @Option(names = "--data-dir", defaultValue = "./data", description = "the node's data directory (default ${DEFAULT-VALUE})")
        Path dataDir;

        @Option(names = "--ttl", description = "how long the certificate is valid, e.g. 24h, 7d (default 24h)")
        String ttl;

        @Option(names = "--days", description = "validity in days (older form of --ttl)")
        Integer days;

        @Option(names = "--out", description = "a directory to write the files into, or a .p12 file (PEM files beside it);"
                + " default: the current directory")
        Path out;

        @Override
        public Integer call() throws Exception {
            Duration validity = days != null ? Duration.ofDays(days)
                    : NodeConfig.parseDuration("--ttl", ttl == null ? "24h" : ttl, "24h");
            boolean p12File = out != null && out.getFileName().toString().endsWith(".p12");
            Path dir = out == null ? Path.of(".") : p12File ? out.toAbsolutePath().getParent() : out;
            Files.createDirectories(dir);
            Path p12 = p12File ? out : dir.resolve(name + ".p12");
            NodeTls tls = NodeTls.open(dataDir.toAbsolutePath());
            tls.issueClient(name, validity, p12, dir);
            System.out.println("wrote " + p12.toAbsolutePath() + " (CN=" + name + ", valid " + validity.toHours() + " h; its password is "
                    + "in "
                    + tls.directory().resolve("password") + ") and " + dir.resolve(name + ".crt") + ", " + dir.resolve(name + ".key")
                    + ", " + dir.resolve("ca.crt"));
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke every certificate issued to a client name: a node"
            + " with security.enabled on this data directory refuses it within 1 s on every HTTP request and binary frame.")
    static final class Revoke implements Callable<Integer> {
        @Parameters(index = "0", description = "the client name (the certificate's CN)")
        String name;

        @Option(names = "--data-dir", defaultValue = "./data", description = "the node's data directory (default ${DEFAULT-VALUE})")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            Path tlsDir = dataDir.toAbsolutePath().resolve("tls");
            if (!Files.isDirectory(tlsDir)) {
                throw new IllegalArgumentException("no certificate authority under " + tlsDir + ": point --data-dir at the node's data "
                        + "directory");
            }
            RevokedNames.revoke(tlsDir, name);
            System.out.println("revoked '" + name + "' in " + tlsDir.resolve("revoked.json") + "; a running node refuses it within 1 s");
            return 0;
        }
    }
}
