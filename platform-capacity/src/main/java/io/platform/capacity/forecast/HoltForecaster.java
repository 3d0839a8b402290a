package io.platform.capacity.forecast;

/**
 * Holt's linear (double) exponential smoothing: a level and a trend, each smoothed, so a steadily growing series
 * (bytes stored per day, peak events per second) is extrapolated with its slope. Not thread-safe.
 */
public final class HoltForecaster {
    private final double alpha;
    private final double beta;
    private double level;
    private double trend;
    private int observations;

    /**
     * @param alpha level smoothing in (0, 1]: higher follows recent values faster
     * @param beta trend smoothing in (0, 1]: higher follows changes of slope faster
     */
    public HoltForecaster(double alpha, double beta) {
        if (!(alpha > 0 && alpha <= 1 && beta > 0 && beta <= 1)) {
            throw new IllegalArgumentException("alpha and beta must be in (0, 1], got alpha=" + alpha + " beta=" + beta);
        }
        this.alpha = alpha;
        this.beta = beta;
    }

    /** Adds the next observation of an evenly spaced series. */
    public void observe(double value) {
        observations++;
        if (observations == 1) {
            level = value;
            return;
        }
        if (observations == 2) {
            trend = value - level;
            level = value;
            return;
        }
        double previousLevel = level;
        level = alpha * value + (1 - alpha) * (level + trend);
        trend = beta * (level - previousLevel) + (1 - beta) * trend;
    }

    /** The value expected {@code steps} periods after the last observation. */
    public double forecast(int steps) {
        if (observations == 0) {
            throw new IllegalStateException("no observations yet");
        }
        return level + steps * trend;
    }

    /** Periods until the forecast reaches {@code capacity}, or -1 when the trend never gets there. */
    public int periodsUntil(double capacity) {
        if (forecast(0) >= capacity) {
            return 0;
        }
        if (trend <= 0) {
            return -1;
        }
        return (int) Math.ceil((capacity - level) / trend);
    }
}
