package io.platform.processing.sources;

import java.io.Serializable;

/**
 * The rate a source may fetch at, adjusted once per control interval by AIMD, as TCP adjusts its window: a
 * multiplicative decrease when the downstream pushed back for two intervals in a row (the source waited on it for at
 * least {@code backPressuredAbove} of each), to {@code decrease} times the rate the downstream actually took, so the
 * buffers between them drain (one interval is a burst the buffers are there to absorb, e.g. the partials an
 * aggregation flushes at each watermark; cutting on it cost 100 ms of p99 at 200,000 events/s); an additive increase
 * of {@code increaseFraction} of the highest rate seen otherwise, so the rate probes back up, and the limit is lifted
 * once it has not been reached for {@code liftAfterIntervals} intervals (the source then costs nothing extra). Not
 * thread-safe: one per source reader, called from its thread.
 */
public final class AimdRate {
    /** The rule's parameters; see docs/operations.md for the defaults' reasons. */
    public record Settings(double minRate, double decrease, double increaseFraction, double backPressuredAbove, int liftAfterIntervals,
                           long intervalNanos) implements Serializable {
        public static Settings defaults() {
            return new Settings(100, 0.7, 0.02, 0.10, 10, 100_000_000L);
        }

        public Settings {
            if (minRate <= 0 || decrease <= 0 || decrease >= 1 || increaseFraction <= 0
                    || backPressuredAbove <= 0 || backPressuredAbove >= 1
                    || liftAfterIntervals < 1 || intervalNanos < 1_000_000L) {
                throw new IllegalArgumentException("AIMD settings out of range: " + this);
            }
        }
    }

    private final Settings settings;
    private double limit = Double.POSITIVE_INFINITY;
    private double peak;
    private int unreachedIntervals;
    private int clearIntervals;
    private int pushedBackIntervals;

    public AimdRate(Settings settings) {
        this.settings = settings;
    }

    /**
     * Takes one interval's observations and returns the new limit in records per second (infinite: no limit).
     *
     * @param emittedPerSecond   the rate the source emitted at during the interval
     * @param backPressuredRatio the share of the interval the source waited for the downstream to take its output
     * @param limitReached       whether the source had to wait for the limit at least once during the interval
     */
    public double update(double emittedPerSecond, double backPressuredRatio, boolean limitReached) {
        if (backPressuredRatio >= settings.backPressuredAbove() && ++pushedBackIntervals < 2) {
            return limit;
        }
        if (backPressuredRatio >= settings.backPressuredAbove()) {
            limit = Math.max(settings.minRate(), Math.min(limit, emittedPerSecond) * settings.decrease());
            unreachedIntervals = 0;
            clearIntervals = 0;
            return limit;
        }
        pushedBackIntervals = 0;
        if (Double.isInfinite(limit)) {
            // the peak is what the source did unlimited; while limited its rate is the limit's, which must not feed the step
            peak = Math.max(peak, emittedPerSecond);
            return limit;
        }
        if (limitReached) {
            unreachedIntervals = 0;
            double step = Math.max(settings.minRate(), settings.increaseFraction() * peak);
            limit += step * (1L << Math.min(6, clearIntervals++));
        } else if (++unreachedIntervals >= settings.liftAfterIntervals()) {
            limit = Double.POSITIVE_INFINITY;
            unreachedIntervals = 0;
        }
        return limit;
    }

    public double limit() {
        return limit;
    }

    public Settings settings() {
        return settings;
    }
}
