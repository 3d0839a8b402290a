package io.platform.deploy.cli;

import static io.platform.deploy.cli.NodeHttp.HTTP;
import static io.platform.deploy.cli.NodeHttp.printResponse;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code platform segments}: a thin client of the query service's {@code GET /v1/segments}. */
@Command(name = "segments", mixinStandardHelpOptions = true, description = "Sealed partitions of every stream (or one): time range, rows,"
        + " the tier holding them (warm, cold, cold_cached) and the segment file; one JSON object per line.")
public final class SegmentsCommand implements Callable<Integer> {
    @Option(names = "--stream", description = "only this stream")
    String stream;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8081", description = "query service URL (default ${DEFAULT-VALUE})")
    String url;

    @Override
    public Integer call() throws Exception {
        String query = stream == null ? "" : "?stream=" + URLEncoder.encode(stream, StandardCharsets.UTF_8);
        return printResponse(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/segments" + query)).GET().build(),
                HttpResponse.BodyHandlers.ofString()));
    }
}
