package io.platform.deploy.cli;

import io.platform.deploy.node.NodeTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code platform tls issue-client}: client certificates signed by a node's authority. */
@Command(name = "tls", mixinStandardHelpOptions = true, description = "Certificates of a node with gateway.tls.enabled.",
        subcommands = {TlsCommands.IssueClient.class})
public final class TlsCommands extends CommandGroup {

    @Command(name = "issue-client", mixinStandardHelpOptions = true, description = "Issue a client certificate (PKCS12, protected by"
            + " <data-dir>/tls/password) signed by the node's authority.")
    static final class IssueClient implements Callable<Integer> {
        @Parameters(index = "0", description = "client name (the certificate's CN)")
        String name;

        @Option(names = "--data-dir", defaultValue = "./data", description = "the node's data directory (default ${DEFAULT-VALUE})")
        Path dataDir;

        @Option(names = "--days", defaultValue = "7", description = "validity in days (default ${DEFAULT-VALUE})")
        int days;

        @Option(names = "--out", description = "PKCS12 file to write (default <name>.p12)")
        Path out;

        @Override
        public Integer call() throws Exception {
            NodeTls tls = NodeTls.open(dataDir.toAbsolutePath());
            Path target = out != null ? out : Path.of(name + ".p12");
            tls.issueClient(name, Duration.ofDays(days), target);
            System.out.println("wrote " + target.toAbsolutePath() + " (CN=" + name + ", " + days + " days); its password is in "
                    + tls.directory().resolve("password"));
            return 0;
        }
    }
}
