package io.platform.observability.alerting;

import java.util.Arrays;

/**
 * A learned alert threshold for one series (e.g. end_to_end p99 per five minutes). For each time-of-day slot it keeps
 * the last {@code days} values; the threshold is that slot's median plus {@code k} times its scaled median absolute
 * deviation (MAD x 1.4826, a standard deviation estimate that outliers barely move), but at least
 * {@code minRelativeMargin} above the median so a very steady slot does not alert on noise. An alert fires after
 * {@code sustain} consecutive samples above the threshold and clears on the first sample below it. Values seen while
 * alerting are not learned, so an incident does not teach the baseline that it is normal. Not thread-safe.
 */
public final class DynamicThreshold {
    private static final double MAD_TO_SIGMA = 1.4826;

    private final long slotMs;
    private final int slotsPerDay;
    private final int days;
    private final double k;
    private final double minRelativeMargin;
    private final int sustain;
    private final double[][] history;
    private final int[] filled;
    private final int[] next;
    private int above;
    private boolean alerting;

    /**
     * @param slotMs sample spacing and slot width, e.g. five minutes
     * @param days how many past days each slot remembers
     * @param k margin in robust standard deviations
     * @param minRelativeMargin smallest margin as a fraction of the baseline, e.g. 0.25
     * @param sustain consecutive samples above the threshold before an alert fires
     */
    public DynamicThreshold(long slotMs, int days, double k, double minRelativeMargin, int sustain) {
        if (86_400_000L % slotMs != 0) {
            throw new IllegalArgumentException("slotMs must divide a day, got " + slotMs);
        }
        this.slotMs = slotMs;
        this.slotsPerDay = (int) (86_400_000L / slotMs);
        this.days = days;
        this.k = k;
        this.minRelativeMargin = minRelativeMargin;
        this.sustain = sustain;
        this.history = new double[slotsPerDay][days];
        this.filled = new int[slotsPerDay];
        this.next = new int[slotsPerDay];
    }

    /** The threshold for a sample at {@code timeMs}, or +infinity while its slot has fewer than three days of history. */
    public double threshold(long timeMs) {
        int slot = slot(timeMs);
        int n = filled[slot];
        if (n < 3) {
            return Double.POSITIVE_INFINITY;
        }
        double[] values = Arrays.copyOf(history[slot], n);
        double median = median(values);
        for (int i = 0; i < n; i++) {
            values[i] = Math.abs(values[i] - median);
        }
        double sigma = MAD_TO_SIGMA * median(values);
        return median + Math.max(k * sigma, minRelativeMargin * median);
    }

    /**
     * Feeds one sample.
     *
     * @return true while the alert is firing (after this sample)
     */
    public boolean observe(long timeMs, double value) {
        boolean exceeded = value > threshold(timeMs);
        above = exceeded ? above + 1 : 0;
        alerting = above >= sustain;
        if (!exceeded) {
            int slot = slot(timeMs);
            history[slot][next[slot]] = value;
            next[slot] = (next[slot] + 1) % days;
            filled[slot] = Math.min(filled[slot] + 1, days);
        }
        return alerting;
    }

    public boolean alerting() {
        return alerting;
    }

    private int slot(long timeMs) {
        return (int) (Math.floorMod(timeMs, 86_400_000L) / slotMs);
    }

    private static double median(double[] values) {
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
