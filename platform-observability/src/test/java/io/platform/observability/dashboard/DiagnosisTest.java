package io.platform.observability.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiagnosisTest {
    private static StatsSampler.Sample sample(long t, double e2eP99, double produceAckP99, double storeP99, double gcMs, double lag, double retransmits) {
        return sample(t, e2eP99, produceAckP99, storeP99, gcMs, lag, retransmits, 0, 0);
    }

    private static StatsSampler.Sample sample(long t, double e2eP99, double produceAckP99, double storeP99, double gcMs, double lag,
                                              double retransmits, double checkpointMs, double udpDrops) {
        Map<String, double[]> stages = new LinkedHashMap<>();
        stages.put("transport", new double[] {1000, 0.1, 1, 2});
        stages.put("produce_ack", new double[] {1000, 1, produceAckP99, produceAckP99});
        stages.put("process", new double[] {1000, 1, 5, 6});
        stages.put("store_commit", new double[] {50, 0.1, storeP99, storeP99});
        stages.put("end_to_end", new double[] {1000, 2, e2eP99, e2eP99});
        Map<String, Double> gauges = new LinkedHashMap<>();
        gauges.put("gc_pause_ms", gcMs);
        gauges.put("storage_lag", lag);
        gauges.put("tcp_retransmits", retransmits);
        gauges.put("checkpoint_ms", checkpointMs);
        gauges.put("udp_drops", udpDrops);
        return new StatsSampler.Sample(t, stages, gauges, 0);
    }

    @Test
    void namesTheSignalThatMovedWithEachSpike() {
        List<StatsSampler.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            samples.add(sample(i * 1000L, 10, 5, 1, 0, 10, 0));
        }
        samples.set(10, sample(10_000, 120, 5, 1, 90, 10, 0));        // a 90 ms GC pause
        samples.set(20, sample(20_000, 80, 60, 1, 0, 10, 0));         // Kafka acks slow
        samples.set(30, sample(30_000, 70, 5, 40, 0, 50_000, 0));     // storage behind
        samples.set(40, sample(40_000, 60, 5, 1, 0, 10, 12));         // retransmits
        List<Diagnosis.Finding> findings = Diagnosis.analyze(samples, 0, 60_000, 50);
        assertEquals(4, findings.size(), findings.toString());
        assertEquals("GC pause", findings.get(0).likelyCause());
        assertEquals("Kafka acknowledgements slow", findings.get(1).likelyCause());
        assertEquals("storage writer behind Kafka", findings.get(2).likelyCause());
        assertEquals("network retransmits", findings.get(3).likelyCause());
        assertTrue(findings.get(1).evidence().get(0).contains("produce_ack p99 60.0 ms"), findings.get(1).evidence().toString());
    }

    @Test
    void namesALongCheckpointAndUdpLossButNotAnOrdinaryCheckpoint() {
        List<StatsSampler.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            // a 60 ms checkpoint completes every 5 s: normal, never a cause
            samples.add(sample(i * 1000L, 10, 5, 1, 0, 10, 0, i % 5 == 0 ? 60 : 0, 0));
        }
        samples.set(15, sample(15_000, 90, 5, 1, 0, 10, 0, 60, 0));       // a spike during an ordinary checkpoint
        samples.set(25, sample(25_000, 150, 5, 1, 0, 10, 0, 1_400, 0));   // a 1.4 s checkpoint
        samples.set(35, sample(35_000, 70, 5, 1, 0, 10, 0, 0, 340));      // UDP receive drops
        StatsSampler.Sample stalled = sample(45_000, 110, 5, 1, 0, 10, 0, 0, 0);
        stalled.gauges().put("storage_stall_ms", 60.0);                   // RocksDB held writes back for 60 ms
        samples.set(45, stalled);
        List<Diagnosis.Finding> findings = Diagnosis.analyze(samples, 0, 60_000, 50);
        assertEquals(4, findings.size(), findings.toString());
        assertEquals("storage write stall (compaction behind)", findings.get(3).likelyCause());
        assertTrue(!findings.get(0).likelyCause().equals("Flink checkpoint"), "60 ms is this job's normal checkpoint: " + findings.get(0));
        assertEquals("Flink checkpoint", findings.get(1).likelyCause());
        assertTrue(findings.get(1).evidence().get(0).contains("1400 ms (median 60 ms)"), findings.get(1).evidence().toString());
        assertEquals("packet loss (UDP receive errors)", findings.get(2).likelyCause());
    }

    @Test
    void quietHistoryHasNoFindings() {
        List<StatsSampler.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            samples.add(sample(i * 1000L, 10 + i % 3, 5, 1, 0, 10, 0));
        }
        assertTrue(Diagnosis.analyze(samples, 0, 30_000, 50).isEmpty());
    }
}
