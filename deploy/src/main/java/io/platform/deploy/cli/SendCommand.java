package io.platform.deploy.cli;

import static io.platform.deploy.cli.NodeHttp.HTTP;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code platform send}: a thin client of the gateway's {@code POST /v1/streams/<stream>/events}. */
@Command(name = "send", mixinStandardHelpOptions = true, description = "Send JSON events (one object or NDJSON lines) from a file or stdin"
        + " to a stream; exits 1 unless every event was accepted.")
public final class SendCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "stream name")
    String stream;

    @Option(names = "--file", description = "NDJSON file (default: stdin)")
    Path file;

    @Option(names = "--gateway", defaultValue = "http://127.0.0.1:8080", description = "gateway URL (default ${DEFAULT-VALUE})")
    String gateway;

    @Override
    public Integer call() throws Exception {
        byte[] body = file != null ? Files.readAllBytes(file) : System.in.readAllBytes();
        // exit 0 only when every event was accepted, so scripts notice rejected lines (207) too
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/streams/" + stream + "/events"))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.println(response.body().stripTrailing());
        return response.statusCode() == 200 ? 0 : 1;
    }
}
