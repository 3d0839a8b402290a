package io.platform.deploy.cli;

import static io.platform.deploy.cli.NodeHttp.HTTP;
import static io.platform.deploy.cli.NodeHttp.printResponse;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code platform diagnose}: a thin client of the node's {@code GET /v1/diagnose}. */
@Command(name = "diagnose", mixinStandardHelpOptions = true, description = "Find the seconds where end-to-end latency spiked in the node's"
        + " recent history (5 minutes kept) and name the likely cause: GC, storage lag, retransmits, or the slow stage.")
public final class DiagnoseCommand implements Callable<Integer> {
    @Option(names = "--last", defaultValue = "300", description = "look at the last N seconds (default ${DEFAULT-VALUE})")
    long last;

    @Option(names = "--from", description = "start, epoch ms (instead of --last)")
    Long from;

    @Option(names = "--to", description = "end, epoch ms")
    Long to;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "node URL (default ${DEFAULT-VALUE})")
    String url;

    @Override
    public Integer call() throws Exception {
        String query = from != null ? "from=" + from + (to != null ? "&to=" + to : "") : "last=" + last;
        return printResponse(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/diagnose?" + query)).GET().build(),
                HttpResponse.BodyHandlers.ofString()));
    }
}
