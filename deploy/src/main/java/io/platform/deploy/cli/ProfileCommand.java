package io.platform.deploy.cli;

import static io.platform.deploy.cli.NodeHttp.HTTP;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code platform profile}: a CPU flame graph of a running node ({@code GET /v1/profile}) written as SVG. */
@Command(name = "profile", mixinStandardHelpOptions = true, description = "Record a CPU flame graph (JFR samples) of a running node and"
        + " write it as SVG.")
public final class ProfileCommand implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "10", description = "how long to sample, 1..120 (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--out", defaultValue = "flame.svg", description = "SVG file to write (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "node URL (gateway or query port; default"
            + " ${DEFAULT-VALUE})")
    String url;

    @Override
    public Integer call() throws Exception {
        System.out.println("sampling " + url + " for " + seconds + " s ...");
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/profile?seconds=" + seconds))
                .timeout(Duration.ofSeconds(seconds + 60)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            System.err.println(new String(response.body(), StandardCharsets.UTF_8));
            return 1;
        }
        Files.write(out, response.body());
        System.out.println("wrote " + out.toAbsolutePath() + " (" + response.body().length + " bytes); open it in a browser");
        return 0;
    }
}
