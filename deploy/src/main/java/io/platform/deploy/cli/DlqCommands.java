package io.platform.deploy.cli;

import static io.platform.deploy.cli.NodeHttp.HTTP;
import static io.platform.deploy.cli.NodeHttp.printResponse;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code platform dlq list|show|replay}: thin clients of the gateway's {@code /v1/dlq/<stream>} routes. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Inspect and replay a stream's dead letters.",
        subcommands = {DlqCommands.ListReasons.class, DlqCommands.Show.class, DlqCommands.Replay.class})
public final class DlqCommands extends CommandGroup {

    abstract static class StreamOption {
        @Parameters(index = "0", description = "stream name")
        String stream;

        @Option(names = "--gateway", defaultValue = "http://127.0.0.1:8080", description = "gateway URL (default ${DEFAULT-VALUE})")
        String gateway;

        int get(String path) throws Exception {
            return printResponse(HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/dlq/" + stream + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Dead letters counted by stage and reason.")
    static final class ListReasons extends StreamOption implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return get("");
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Dead letters with their reason and payload.")
    static final class Show extends StreamOption implements Callable<Integer> {
        @Option(names = "--from", defaultValue = "0", description = "first offset (default ${DEFAULT-VALUE})")
        long from;

        @Option(names = "--limit", defaultValue = "20", description = "at most this many (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() throws Exception {
            return get("/events?from=" + from + "&limit=" + limit);
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true, description = "Re-ingest dead letters not replayed before (e.g. after a"
            + " schema fix), exactly once; those failing again are parked.")
    static final class Replay extends StreamOption implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return printResponse(HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/dlq/" + stream + "/replay"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()));
        }
    }
}
