package io.platform.deploy.cli;

import static io.platform.deploy.cli.NodeHttp.HTTP;
import static io.platform.deploy.cli.NodeHttp.printResponse;

import io.netty.handler.ssl.JdkSslContext;
import io.platform.deploy.node.NodeTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code platform query}: a thin client of the query service's {@code POST /v1/query}, over mutual TLS with --cert. */
@Command(name = "query", mixinStandardHelpOptions = true, description = "Run SQL on the query service; rows print as NDJSON.")
public final class QueryCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "SQL, e.g. \"SELECT count(*) FROM sensors\"")
    String sql;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8081", description = "query service URL (default ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--cert", description = "client certificate (PKCS12 from platform tls issue-client) for a node with query.tls.enabled;"
            + " its name is the user whose query limits apply")
    Path certificate;

    @Option(names = "--data-dir", defaultValue = "data", description = "the node's data dir, for its CA and TLS password with --cert"
            + " (default ${DEFAULT-VALUE})")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        HttpClient client = HTTP;
        String target = url;
        if (certificate != null) {
            NodeTls tls = NodeTls.open(dataDir);
            client = HttpClient.newBuilder()
                    .sslContext(((JdkSslContext) tls.clientContext(certificate)).context()).build();
            target = target.replaceFirst("^http://", "https://");
        }
        return printResponse(client.send(HttpRequest.newBuilder(URI.create(target + "/v1/query"))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString()));
    }
}
