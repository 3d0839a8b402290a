package io.platform.deploy.cli;

import io.netty.handler.ssl.JdkSslContext;
import io.platform.deploy.node.NodeTls;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code platform access list|grant|revoke}: the role bindings of a node with security.enabled, through /v1/access. */
@Command(name = "access", mixinStandardHelpOptions = true, description = "Who may do what on a node with security.enabled: list, grant"
        + " and revoke role bindings (admin, writer, reader, pii-reader, job-submitter); in force when the command returns.",
        subcommands = {AccessCommands.ListBindings.class, AccessCommands.Grant.class, AccessCommands.Revoke.class})
public final class AccessCommands extends CommandGroup {

    /** How an admin reaches the node: its gateway address and an admin's client certificate. */
    static final class AdminClient {
        @Option(names = "--gateway", defaultValue = "https://127.0.0.1:8080", description = "the node's gateway (default ${DEFAULT-VALUE})")
        String gateway;

        @Option(names = "--cert", required = true, description = "an admin's client certificate (PKCS12 from 'platform tls issue-client')")
        Path cert;

        @Option(names = "--data-dir", defaultValue = "./data", description = "the node's data directory, for its authority and"
                + " the certificate password (default ${DEFAULT-VALUE})")
        Path dataDir;

        int send(String method, String path) throws Exception {
            NodeTls tls = NodeTls.open(dataDir.toAbsolutePath());
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .sslContext(((JdkSslContext) tls.clientContext(cert)).context()).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(30))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build();
            return NodeHttp.printResponse(client.send(request, HttpResponse.BodyHandlers.ofString()));
        }
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print the policy's bindings as JSON.")
    static final class ListBindings implements Callable<Integer> {
        @Mixin
        AdminClient admin;

        @Override
        public Integer call() throws Exception {
            return admin.send("GET", "/v1/access");
        }
    }

    @Command(name = "grant", mixinStandardHelpOptions = true, description = "Grant a principal (a certificate's name) a role on streams.")
    static final class Grant implements Callable<Integer> {
        @Parameters(index = "0", description = "the principal: the CN of its client certificate")
        String principal;

        @Parameters(index = "1", description = "admin, writer, reader, pii-reader or job-submitter")
        String role;

        @Option(names = "--stream", description = "a stream, * for every stream, or a prefix such as sensors.* (repeatable; not for admin)")
        List<String> streams = List.of();

        @Mixin
        AdminClient admin;

        @Override
        public Integer call() throws Exception {
            return admin.send("POST", "/v1/access/grant?principal=" + encoded(principal) + "&role=" + encoded(role)
                    + (streams.isEmpty() ? "" : "&streams=" + encoded(String.join(",", streams))));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Remove a principal's bindings (of one role, or all).")
    static final class Revoke implements Callable<Integer> {
        @Parameters(index = "0", description = "the principal")
        String principal;

        @Option(names = "--role", description = "only this role's bindings (default: all of them)")
        String role;

        @Mixin
        AdminClient admin;

        @Override
        public Integer call() throws Exception {
            return admin.send("POST", "/v1/access/revoke?principal=" + encoded(principal) + (role == null ? "" : "&role=" + encoded(role)));
        }
    }
}
