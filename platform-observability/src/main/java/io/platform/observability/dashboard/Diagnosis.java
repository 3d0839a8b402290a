package io.platform.observability.dashboard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the seconds where end_to_end latency spiked and names the likely cause from what else moved in the same
 * second: a GC pause, storage falling behind Kafka, RocksDB stalling writes, a long Flink checkpoint, TCP retransmits, UDP packets dropped,
 * back-pressure from Kafka, or the stage whose p99 rose most (produce_ack: Kafka; process: Flink; store_commit: the
 * disk). Signals are checked in that order and the first that moved names the cause; every one that moved is listed
 * as evidence. Stateless; thread-safe.
 */
public final class Diagnosis {
    /** One spike and what explains it. */
    public record Finding(long timeMs, double endToEndP99Ms, String likelyCause, List<String> evidence) {
    }

    private Diagnosis() {
    }

    /**
     * @param samples per-second samples, oldest first (from {@link StatsSampler#history()})
     * @param objectiveMs a p99 below this is never a spike
     */
    public static List<Finding> analyze(List<StatsSampler.Sample> samples, long fromMs, long toMs, double objectiveMs) {
        List<StatsSampler.Sample> window = samples.stream()
                .filter(s -> s.timeMs() >= fromMs && s.timeMs() <= toMs && count(s, "end_to_end") > 0).toList();
        List<Finding> findings = new ArrayList<>();
        if (window.size() < 3) {
            return findings;
        }
        double medianP99 = median(window.stream().mapToDouble(s -> p99(s, "end_to_end")).toArray());
        Map<String, Double> stageMedians = new HashMap<>();
        for (String stage : List.of("produce_ack", "process", "store_commit", "transport")) {
            stageMedians.put(stage, median(window.stream().mapToDouble(s -> p99(s, stage)).toArray()));
        }
        double medianLag = median(window.stream().mapToDouble(s -> s.gauges().getOrDefault("storage_lag", 0.0)).toArray());
        // checkpoints complete every few seconds, so the typical one is the median of the seconds that had one
        double medianCheckpoint =
                median(window.stream().mapToDouble(s -> s.gauges().getOrDefault("checkpoint_ms", 0.0)).filter(v -> v > 0).toArray());
        for (StatsSampler.Sample s : window) {
            double p99 = p99(s, "end_to_end");
            if (p99 < Math.max(2 * medianP99, objectiveMs)) {
                continue;
            }
            List<String> evidence = new ArrayList<>();
            String cause = null;
            double gc = s.gauges().getOrDefault("gc_pause_ms", 0.0);
            if (gc >= 0.25 * p99 && gc >= 20) {
                cause = "GC pause";
                evidence.add(String.format("%.0f ms of GC pauses in this second", gc));
            }
            double lag = s.gauges().getOrDefault("storage_lag", 0.0);
            if (lag > Math.max(1000, 5 * medianLag)) {
                cause = cause == null ? "storage writer behind Kafka" : cause;
                evidence.add(String.format("storage lag %.0f records (median %.0f)", lag, medianLag));
            }
            double stall = s.gauges().getOrDefault("storage_stall_ms", 0.0);
            if (stall >= Math.max(10, 0.25 * p99)) {
                cause = cause == null ? "storage write stall (compaction behind)" : cause;
                evidence.add(String.format("RocksDB stalled writes for %.0f ms in this second", stall));
            }
            double checkpoint = s.gauges().getOrDefault("checkpoint_ms", 0.0);
            if (checkpoint >= Math.max(200, 3 * medianCheckpoint)) {
                cause = cause == null ? "Flink checkpoint" : cause;
                evidence.add(String.format("a checkpoint completed taking %.0f ms (median %.0f ms)", checkpoint, medianCheckpoint));
            }
            double retransmits = s.gauges().getOrDefault("tcp_retransmits", 0.0);
            if (retransmits > 0) {
                cause = cause == null ? "network retransmits" : cause;
                evidence.add(String.format("%.0f TCP segments retransmitted", retransmits));
            }
            double udpDrops = s.gauges().getOrDefault("udp_drops", 0.0);
            if (udpDrops > 0) {
                cause = cause == null ? "packet loss (UDP receive errors)" : cause;
                evidence.add(String.format("%.0f UDP datagrams dropped on receive (buffer full or bad checksum)", udpDrops));
            }
            String worstStage = null;
            double worstRatio = 1;
            for (Map.Entry<String, Double> stage : stageMedians.entrySet()) {
                double ratio = p99(s, stage.getKey()) / Math.max(0.001, stage.getValue());
                if (ratio > worstRatio && p99(s, stage.getKey()) > 1) {
                    worstRatio = ratio;
                    worstStage = stage.getKey();
                }
            }
            if (worstStage != null) {
                evidence.add(String.format("%s p99 %.1f ms (%.1fx its median)", worstStage, p99(s, worstStage), worstRatio));
                if (cause == null) {
                    cause = switch (worstStage) {
                        case "produce_ack" -> "Kafka acknowledgements slow";
                        case "process" -> "Flink processing behind";
                        case "store_commit" -> "storage commits slow (disk)";
                        default -> "network or client (transport)";
                    };
                }
            }
            if (s.gauges().getOrDefault("in_flight_events", 0.0) > 0 && cause == null) {
                evidence.add(String.format("%.0f events in flight at the gateway", s.gauges().get("in_flight_events")));
            }
            findings.add(new Finding(s.timeMs(), p99, cause == null ? "unexplained: no correlated signal" : cause, evidence));
        }
        return findings;
    }

    private static double p99(StatsSampler.Sample s, String stage) {
        double[] v = s.stages().get(stage);
        return v == null ? 0 : v[2];
    }

    private static double count(StatsSampler.Sample s, String stage) {
        double[] v = s.stages().get(stage);
        return v == null ? 0 : v[0];
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
