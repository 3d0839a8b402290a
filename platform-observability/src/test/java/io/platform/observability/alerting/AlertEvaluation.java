package io.platform.observability.alerting;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongToDoubleFunction;

/**
 * Scores an alerting rule on a generated latency history with a daily peak, noise and injected incidents:
 * incidents detected (and how many samples late), and false alerts (alerts starting outside any incident).
 * Used by the tests and by {@code platform bench alerts}. Deterministic for a seed.
 */
public final class AlertEvaluation {
    /** The figures of one rule on one history. */
    public record Score(String rule, int incidents, int detected, double meanDelaySamples, int falseAlerts) {
        @Override
        public String toString() {
            return String.format("%-34s incidents=%d detected=%d (%.0f%%) mean delay=%.1f samples false alerts=%d",
                    rule, incidents, detected, 100.0 * detected / incidents, meanDelaySamples, falseAlerts);
        }
    }

    /** A rule under test: fed samples in time order, answers whether it is alerting. */
    public interface Rule {
        boolean observe(long timeMs, double value);
    }

    private final long slotMs;
    private final int trainDays;
    private final int testDays;
    private final double[] values;
    private final boolean[] incident;
    private final int incidents;

    /**
     * Generates {@code trainDays + testDays} of samples: baseline 10 ms at night rising to 22 ms at the 14:00 peak,
     * log-normal noise, and in the test days {@code incidentCount} incidents of 30 to 120 minutes at 1.8x to 4x.
     */
    public AlertEvaluation(long seed, long slotMs, int trainDays, int testDays, int incidentCount) {
        this.slotMs = slotMs;
        this.trainDays = trainDays;
        this.testDays = testDays;
        Random random = new Random(seed);
        int perDay = (int) (86_400_000L / slotMs);
        int n = perDay * (trainDays + testDays);
        values = new double[n];
        incident = new boolean[n];
        for (int i = 0; i < n; i++) {
            double hour = (i % perDay) * slotMs / 3_600_000.0;
            double daily = 10 + 12 * Math.exp(-Math.pow((hour - 14) / 3.0, 2));
            values[i] = daily * Math.exp(random.nextGaussian() * 0.08);
        }
        int placed = 0;
        while (placed < incidentCount) {
            int start = perDay * trainDays + random.nextInt(perDay * testDays - 30);
            int length = (int) ((30 + random.nextInt(91)) * 60_000L / slotMs);
            boolean overlaps = false;
            for (int i = Math.max(0, start - 30); i < Math.min(n, start + length + 30); i++) {
                overlaps |= incident[i];
            }
            if (overlaps) {
                continue;
            }
            double factor = 1.8 + random.nextDouble() * 2.2;
            for (int i = start; i < Math.min(n, start + length); i++) {
                incident[i] = true;
                values[i] *= factor;
            }
            placed++;
        }
        this.incidents = incidentCount;
    }

    /** The highest value of the training days times {@code factor}: what a hand-set static threshold would be. */
    public double staticThreshold(double factor) {
        int perDay = (int) (86_400_000L / slotMs);
        double max = 0;
        for (int i = 0; i < perDay * trainDays; i++) {
            max = Math.max(max, values[i]);
        }
        return max * factor;
    }

    /** A fixed threshold with the same sustain rule as the dynamic one. */
    public static Rule staticRule(double threshold, int sustain) {
        int[] above = {0};
        return (t, v) -> {
            above[0] = v > threshold ? above[0] + 1 : 0;
            return above[0] >= sustain;
        };
    }

    public Score score(String name, Rule rule) {
        int perDay = (int) (86_400_000L / slotMs);
        int testStart = perDay * trainDays;
        int detected = 0;
        long delaySum = 0;
        int falseAlerts = 0;
        boolean wasAlerting = false;
        int incidentStart = -1;
        boolean incidentDetected = false;
        List<Integer> delays = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            boolean alerting = rule.observe(i * slotMs, values[i]);
            if (i < testStart) {
                wasAlerting = alerting;
                continue;
            }
            if (incident[i] && (i == 0 || !incident[i - 1])) {
                incidentStart = i;
                incidentDetected = false;
            }
            if (alerting && incident[i] && !incidentDetected) {
                incidentDetected = true;
                detected++;
                delays.add(i - incidentStart);
            }
            boolean grace = !incident[i] && i > 0 && incident[i - 1];
            if (alerting && !wasAlerting && !incident[i] && !grace) {
                falseAlerts++;
            }
            wasAlerting = alerting;
        }
        for (int d : delays) {
            delaySum += d;
        }
        return new Score(name, incidents, detected, delays.isEmpty() ? 0 : (double) delaySum / delays.size(), falseAlerts);
    }

    public int trainDays() {
        return trainDays;
    }

    public int testDays() {
        return testDays;
    }

    public LongToDoubleFunction series() {
        return t -> values[(int) (t / slotMs)];
    }
}
