package io.platform.deploy.cli;

import io.platform.deploy.demo.GatewayLoad;
import io.platform.deploy.demo.SensorEvents;
import io.platform.deploy.node.NodeConfig;
import io.platform.deploy.node.PlatformNode;
import io.platform.processing.aggregation.AggregationSettings;
import io.platform.query.exec.RowSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code platform demo}: a node on a temporary dir driven by the demo's load ({@link GatewayLoad}), then sample queries. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Start a node, register a sample stream, drive load while printing"
        + " live latency, then run a sample query.")
public final class DemoCommand implements Callable<Integer> {
    @CommandLine.Mixin
    NodeOptions options;

    @Option(names = "--rate", defaultValue = "2000", description = "events per second (default ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--duration", defaultValue = "15", description = "seconds of load (default ${DEFAULT-VALUE})")
    int durationSeconds;

    @Override
    public Integer call() throws Exception {
        NodeConfig config = options.build(true);
        System.out.println("starting platform node in " + config.dataDir() + " ...");
        try (PlatformNode node = PlatformNode.start(config)) {
            System.out.println(node.addresses());
            GatewayLoad bench = new GatewayLoad(node, System.out);
            System.out.println("registered sample stream '" + SensorEvents.STREAM + "': " + bench.registerSampleStream());
            System.out.printf("sending %d events/s for 2 s of warm-up and %d s measured, over the binary TCP protocol ...%n", rate,
                    durationSeconds);
            GatewayLoad.Result result = bench.gateway(rate, 2, durationSeconds, GatewayLoad.ProgressOutput.STAGE_TABLE);
            bench.awaitStored(result.acked(), 30_000);
            bench.report(result);
            bench.reportStages();
            String sql = "SELECT device, count(*) AS events, avg(temperature) AS avg_temp, max(humidity) AS max_humidity FROM "
                    + SensorEvents.STREAM + " GROUP BY device ORDER BY events DESC LIMIT 5";
            System.out.println("\nsample query: " + sql);
            node.queryEngine().prepare(sql).run(new PrintingSink());
            String aggSql = "SELECT device, site, window_start, count, temperature_avg FROM " + SensorEvents.STREAM + "_"
                    + AggregationSettings.viewName(config.duration("aggregation.window"))
                    + " ORDER BY window_start DESC LIMIT 5";
            System.out.println("\nwindow aggregates (Flink): " + aggSql);
            node.queryEngine().prepare(aggSql).run(new PrintingSink());
        }
        return 0;
    }

    /** Prints rows as an aligned text table. */
    private static final class PrintingSink implements RowSink {
        @Override
        public void columns(List<String> names) {
            System.out.println(String.join("\t", names));
        }

        @Override
        public boolean row(Object[] values) {
            List<String> cells = new ArrayList<>();
            for (Object v : values) {
                cells.add(v instanceof Double d ? String.format("%.3f", d) : String.valueOf(v));
            }
            System.out.println(String.join("\t", cells));
            return true;
        }
    }
}
