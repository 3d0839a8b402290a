package io.platform.deploy.cli;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The HTTP client the commands reach a node's API with, and how they print its answer. Thread-safe. */
public final class NodeHttp {
    /** One client for the whole CLI run: commands are thin clients of the node's HTTP API. */
    public static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private NodeHttp() {
    }

    /** Prints the answer's body; the exit code is 0 for a 2xx status, else 1. */
    public static int printResponse(HttpResponse<String> response) {
        System.out.println(response.body().stripTrailing());
        return response.statusCode() / 100 == 2 ? 0 : 1;
    }
}
