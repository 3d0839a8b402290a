package io.platform.deploy.cli;

import static io.platform.deploy.cli.NodeHttp.HTTP;
import static io.platform.deploy.cli.NodeHttp.printResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code platform job ...}: thin clients of the query service's {@code /v1/jobs} routes. */
@Command(name = "job", mixinStandardHelpOptions = true, description = "Flink jobs of the node: one aggregation job per stream, and the"
        + " jobs users submit (Flink SQL or a jar of DataStream code over the platform's streams).",
        subcommands = {JobCommands.Submit.class, JobCommands.ListJobs.class, JobCommands.Savepoint.class, JobCommands.Cancel.class,
                JobCommands.Start.class, JobCommands.Profile.class})
public final class JobCommands extends CommandGroup {

    /** POSTs an action on one stream's job to the query service and prints the answer. */
    abstract static class JobAction implements Callable<Integer> {
        @Parameters(index = "0", description = "a submitted job's name, or the stream whose aggregation job to act on")
        String stream;

        @Option(names = "--url", defaultValue = "http://127.0.0.1:8081", description = "query service URL (default ${DEFAULT-VALUE})")
        String url;

        abstract String action();

        @Override
        public Integer call() throws Exception {
            return printResponse(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/jobs/" + stream + "/" + action()))
                    .timeout(Duration.ofMinutes(3)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Command(name = "savepoint", mixinStandardHelpOptions = true, description = "Take a savepoint of a job (under <data"
            + " dir>/flink/savepoints/); prints its path.")
    static final class Savepoint extends JobAction {
        @Override
        String action() {
            return "savepoint";
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job. A stream's aggregation job keeps its"
            + " checkpoints, so 'job start' resumes it; a submitted job is forgotten"
            + " (take a savepoint first to submit it again from there with --from).")
    static final class Cancel extends JobAction {
        @Override
        String action() {
            return "cancel";
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a stream's job again: from --from <savepoint>, or from"
            + " its newest checkpoint.")
    static final class Start extends JobAction {
        @Option(names = "--from", description = "a savepoint path printed by 'platform job savepoint'")
        String from;

        @Override
        String action() {
            return from == null ? "start" : "start?from=" + URLEncoder.encode(from, StandardCharsets.UTF_8);
        }
    }

    @Command(name = "profile", mixinStandardHelpOptions = true, description = "Where a job (a submitted one, or a stream's aggregation)"
            + " spends its time, per task"
            + " (busy, back-pressured, idle ms per second; records per second in and out; busy time per record; RocksDB state size and"
            + " keys), and which task is the bottleneck.")
    static final class Profile implements Callable<Integer> {
        @Parameters(index = "0", description = "a submitted job's name, or the stream whose aggregation job to profile")
        String stream;

        @Option(names = "--url", defaultValue = "http://127.0.0.1:8081", description = "query service URL (default ${DEFAULT-VALUE})")
        String url;

        @Override
        public Integer call() throws Exception {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/jobs/" + stream + "/profile"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return printResponse(response);
            }
            JsonNode profile = new ObjectMapper().readTree(response.body());
            System.out.printf("%-60s %8s %8s %8s %12s %12s %10s %12s %10s%n", "task", "busy", "backpr.", "idle", "in/s", "out/s",
                    "us/record", "state MiB", "state keys");
            for (JsonNode t : profile.get("tasks")) {
                System.out.printf("%-60s %8d %8d %8d %12.1f %12.1f %10s %12.1f %10d%n", t.get("task").asText(),
                        t.get("busyMsPerSecond").asLong(), t.get("backPressuredMsPerSecond").asLong(), t.get("idleMsPerSecond").asLong(),
                        t.get("recordsInPerSecond").asDouble(), t.get("recordsOutPerSecond").asDouble(),
                        t.get("busyMicrosPerRecord").isNull() ? "-" : String.format("%.2f", t.get("busyMicrosPerRecord").asDouble()),
                        t.get("stateBytes").asLong() / 1048576.0, t.get("stateKeys").asLong());
            }
            System.out.println("(busy, back-pressured and idle: ms per second of each task's time; us/record: busy time per record in;"
                    + " state: RocksDB's estimates, 0 with the heap backend)");
            System.out.println("bottleneck: " + (profile.get("bottleneck").isNull() ? "none (no task busy 100 ms per second or more)"
                    : profile.get("bottleneck").asText()));
            System.out.printf("last checkpoint: %d ms, %d bytes; %d completed%n", profile.get("lastCheckpointMs").asLong(),
                    profile.get("lastCheckpointBytes").asLong(), profile.get("completedCheckpoints").asLong());
            return 0;
        }
    }

    @Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit a job: Flink SQL (INSERT INTO <stream> SELECT ... FROM"
            + " <stream>, each stream a table with an event_time column) or a jar with a PlatformJob class. It is checked and planned first"
            + " (errors say why), runs on the node's Flink cluster, writes into its target stream exactly once, and restarts with the node"
            + " from its newest checkpoint.")
    static final class Submit implements Callable<Integer> {
        @Parameters(index = "0", description = "the job's name: a-z, 0-9, _ and -")
        String name;

        @Option(names = "--sql", description = "a file of SQL statements, or - for standard input")
        String sql;

        @Option(names = "--jar", description = "a job jar: a class implementing io.platform.processing.jobs.PlatformJob")
        Path jar;

        @Option(names = "--class", description = "the job class in the jar (default: the manifest's Platform-Job attribute)")
        String jobClass;

        @Option(names = "--from", description = "start from this savepoint (printed by 'platform job savepoint')")
        String from;

        @Option(names = "--url", defaultValue = "http://127.0.0.1:8081", description = "query service URL (default ${DEFAULT-VALUE})")
        String url;

        @Override
        public Integer call() throws Exception {
            if ((sql == null) == (jar == null)) {
                System.err.println("give exactly one of --sql <file|-> or --jar <file>");
                return 2;
            }
            StringBuilder target = new StringBuilder(url).append("/v1/jobs/").append(name).append("/submit?");
            if (jobClass != null) {
                target.append("class=").append(URLEncoder.encode(jobClass, StandardCharsets.UTF_8)).append('&');
            }
            if (from != null) {
                target.append("from=").append(URLEncoder.encode(from, StandardCharsets.UTF_8));
            }
            byte[] body = jar != null ? Files.readAllBytes(jar)
                    : sql.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(sql));
            System.err.println("submitting job " + name + " (checked and planned by the node; a few seconds) ...");
            return printResponse(HTTP.send(HttpRequest.newBuilder(URI.create(target.toString())).timeout(Duration.ofMinutes(5))
                    .header("Content-Type", jar != null ? "application/java-archive" : "text/plain; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every job: the streams' aggregation jobs and the submitted"
            + " ones; id, status, cluster, checkpoint restored from.")
    static final class ListJobs implements Callable<Integer> {
        @Option(names = "--url", defaultValue = "http://127.0.0.1:8081", description = "query service URL (default ${DEFAULT-VALUE})")
        String url;

        @Override
        public Integer call() throws Exception {
            return printResponse(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/jobs")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }
}
