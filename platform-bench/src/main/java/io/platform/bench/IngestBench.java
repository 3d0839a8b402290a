package io.platform.bench;

import io.platform.deploy.demo.GatewayLoad;
import io.platform.deploy.node.PlatformNode;
import io.platform.observability.LatencyMetrics;
import io.platform.observability.Stage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * {@code platform bench ingest}: the same sample events into the same broker through a plain KafkaProducer and through
 * each of the gateway's ingest paths (binary TCP, Aeron UDP, HTTP NDJSON), first saturating and then at a fixed rate,
 * all in one run. Reports events/s, the client's ack latency and the gateway's produce_ack stage (Kafka send to Kafka
 * ack), with the throughput of each path as a ratio of the plain producer's.
 */
public final class IngestBench {
    private record Row(String mode, String path, GatewayLoad.Result result, Histogram produceAck) {
    }

    private final PlatformNode node;
    private final PrintStream out;

    public IngestBench(PlatformNode node, PrintStream out) {
        this.node = node;
        this.out = out;
    }

    public void run(int fixedRate, int warmupSeconds, int durationSeconds) throws Exception {
        List<Row> rows = new ArrayList<>();
        // The paths run in a fixed order; without this the plain producer, first, ran on a process whose JIT had not
        // compiled the Kafka client yet, and the later paths looked up to 1.45x faster than it (2026-12-03)
        out.println("-- warm-up: plain KafkaProducer and gateway TCP, saturating, not counted");
        new EndToEndBench(node, out).plainProducer(0, 0, Math.max(warmupSeconds, 4), false);
        new EndToEndBench(node, out).gateway(0, 0, Math.max(warmupSeconds, 4), false);
        for (int rate : new int[] {0, fixedRate}) {
            String mode = rate == 0 ? "saturating" : rate + "/s";
            out.printf("-- %s: plain KafkaProducer%n", mode);
            EndToEndBench plain = new EndToEndBench(node, out);
            GatewayLoad.Result result = plain.plainProducer(rate, warmupSeconds, durationSeconds, false);
            rows.add(new Row(mode, "plain KafkaProducer", result, result.ack()));

            out.printf("-- %s: gateway TCP%n", mode);
            result = new EndToEndBench(node, out).gateway(rate, warmupSeconds, durationSeconds, false);
            rows.add(new Row(mode, "gateway TCP", result, produceAck()));

            if (node.aeronChannel() != null) {
                EndToEndBench aeron = new EndToEndBench(node, out).viaAeron();
                String aeronPath = "gateway " + aeron.transport();
                out.printf("-- %s: %s%n", mode, aeronPath);
                result = aeron.gateway(rate, warmupSeconds, durationSeconds, false);
                rows.add(new Row(mode, aeronPath, result, produceAck()));
            }

            out.printf("-- %s: gateway HTTP%n", mode);
            result = new EndToEndBench(node, out).http(rate, warmupSeconds, durationSeconds, false);
            rows.add(new Row(mode, "gateway HTTP NDJSON", result, produceAck()));
        }
        report(rows);
    }

    private static Histogram produceAck() {
        return LatencyMetrics.global().stage(Stage.PRODUCE_ACK).snapshot();
    }

    private void report(List<Row> rows) {
        out.printf("%n%-11s %-22s %12s %8s %10s %10s %10s %16s %16s%n", "load", "path", "events/s", "vs plain", "ack p50", "ack p99",
                "ack p999", "produce_ack p99", "produce_ack p999");
        double plainRate = 0;
        for (Row row : rows) {
            double rate = row.result().eventsPerSecond();
            if (row.path().startsWith("plain")) {
                plainRate = rate;
            }
            Histogram ack = row.result().ack();
            out.printf("%-11s %-22s %12.0f %8.3f %10.3f %10.3f %10.3f %16.3f %16.3f%n", row.mode(), row.path(), rate, rate / plainRate,
                    ack.getValueAtPercentile(50) / 1e6, ack.getValueAtPercentile(99) / 1e6, ack.getValueAtPercentile(99.9) / 1e6,
                    row.produceAck().getValueAtPercentile(99) / 1e6, row.produceAck().getValueAtPercentile(99.9) / 1e6);
            if (row.result().acked() < row.result().sent()) {
                out.printf("            (%d of %d events not acknowledged)%n", row.result().sent() - row.result().acked(), row.result()
                        .sent());
            }
        }
        out.println("ack: intended send -> client sees the ack (ms); produce_ack: the gateway's Kafka send -> Kafka ack (ms);"
                + " for the plain producer both are its send -> callback.");
    }
}
