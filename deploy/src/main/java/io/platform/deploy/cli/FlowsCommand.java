package io.platform.deploy.cli;

import static io.platform.deploy.cli.NodeHttp.HTTP;
import static io.platform.deploy.cli.NodeHttp.printResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code platform flows}: the node's sampled per-connection traffic ({@code GET /v1/flows}) as a table. */
@Command(name = "flows", mixinStandardHelpOptions = true, description = "The sampled traffic of a node's own connections"
        + " (gateway TCP and Aeron, per flow), largest first: estimated frames and bytes each way and the samples behind them.")
public final class FlowsCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "node URL (default ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--top", defaultValue = "20", description = "show at most this many flows (default ${DEFAULT-VALUE})")
    int top;

    @Override
    public Integer call() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/flows")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return printResponse(response);
        }
        JsonNode flows = new ObjectMapper().readTree(response.body());
        System.out.printf("sampling 1 in %d frames; estimates = samples x rate%n", flows.get("samplingRate").asInt());
        System.out.printf("%-8s %-28s %-28s %12s %14s %12s %14s %8s%n", "transport", "local", "remote", "frames in", "bytes in",
                "frames out", "bytes out", "samples");
        int shown = 0;
        for (JsonNode f : flows.get("flows")) {
            if (shown++ >= top) {
                break;
            }
            System.out.printf("%-8s %-28s %-28s %12d %14d %12d %14d %8d%n", f.get("transport").asText(), f.get("local").asText(),
                    f.get("remote").asText(), f.get("framesIn").asLong(), f.get("bytesIn").asLong(), f.get("framesOut").asLong(),
                    f.get("bytesOut").asLong(), f.get("samples").asLong());
        }
        return 0;
    }
}
