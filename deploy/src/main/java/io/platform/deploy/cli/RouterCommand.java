package io.platform.deploy.cli;

import io.platform.deploy.node.NodeConfig;
import io.platform.observability.http.ServiceHttpServer;
import io.platform.query.exec.QueryEngine;
import io.platform.query.exec.QueryLimits;
import io.platform.query.routing.QueryRouter;
import io.platform.wire.schema.SchemaCatalog;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code platform router}: runs a query router in front of query nodes until the process ends. */
@Command(name = "router", mixinStandardHelpOptions = true, description = "Query router: POST /v1/query in front of query nodes; lookups"
        + " (one series, or a time range of at most --lookup-range) go to --lookup-nodes, everything else to --scan-nodes, the other pool"
        + " when one is down. Plans with the schemas from Kafka's _schemas topic; holds no data.")
public final class RouterCommand implements Callable<Integer> {
    @Option(names = "--lookup-nodes", split = ",", description = "query node URLs for lookups, e.g."
            + " http://10.0.0.5:8081,http://10.0.0.6:8081")
    List<URI> lookupNodes = new ArrayList<>();

    @Option(names = "--scan-nodes", split = ",", description = "query node URLs for scans")
    List<URI> scanNodes = new ArrayList<>();

    @Option(names = "--kafka", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers holding the _schemas topic (default"
            + " ${DEFAULT-VALUE})")
    String kafka;

    @Option(names = "--lookup-range", defaultValue = "1h", description = "longest time range a lookup may read (default ${DEFAULT-VALUE})")
    String lookupRange;

    @Option(names = "--view", defaultValue = "10s", description = "the nodes' aggregation.window, naming the <stream>_<view> tables"
            + " (default ${DEFAULT-VALUE})")
    String view;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "8090", description = "port to listen on (default ${DEFAULT-VALUE}; 0 = any free port)")
    int port;

    @Override
    public Integer call() throws Exception {
        if (lookupNodes.isEmpty() && scanNodes.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this), "give --lookup-nodes, --scan-nodes or both, e.g."
                    + " --lookup-nodes http://127.0.0.1:8081");
        }
        long rangeMs = NodeConfig.parseDuration("--lookup-range", lookupRange, "1h").toMillis();
        SchemaCatalog catalog = SchemaCatalog.open(kafka, Duration.ofSeconds(30));
        QueryEngine planner = new QueryEngine(null, catalog, view,
                QueryLimits.defaults());
        ServiceHttpServer server = new ServiceHttpServer("router", host, port, 16, () -> true);
        new QueryRouter(planner, rangeMs, lookupNodes, scanNodes).install(server);
        server.start();
        System.out.printf("router ready on http://%s:%d: lookups (one series or <= %s) -> %s, scans -> %s; schemas from %s%n",
                host, server.port(), lookupRange, lookupNodes, scanNodes, kafka);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            catalog.close();
        }));
        Thread.currentThread().join();
        return 0;
    }
}
