package io.platform.query.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A column's statistics: non-null values, distinct values (estimated), min and max, and for numbers an equi-depth
 * histogram: {@code boundaries[0..B]} with about the same share of values between each pair. Immutable.
 */
public record ColumnStatistics(String column, long values, long distinct, Object min, Object max, double[] boundaries) {
    static final int BUCKETS = 32;

    /** The share of values {@code < v} ({@code <= v} when inclusive), from the histogram; NaN without one. */
    public double fractionBelow(double v, boolean inclusive) {
        if (boundaries == null || boundaries.length < 2) {
            return Double.NaN;
        }
        int buckets = boundaries.length - 1;
        if (v < boundaries[0] || (!inclusive && v == boundaries[0])) {
            return 0;
        }
        if (v > boundaries[buckets] || (inclusive && v == boundaries[buckets])) {
            return 1;
        }
        for (int b = 0; b < buckets; b++) {
            double low = boundaries[b];
            double high = boundaries[b + 1];
            if (v <= high) {
                // values spread evenly within a bucket: the linear share of it below v
                double within = high > low ? (v - low) / (high - low) : (inclusive ? 1 : 0);
                return (b + within) / buckets;
            }
        }
        return 1;
    }

    /**
     * The share of a column's values passing {@code column <operator> value}: 1/distinct for equality, the histogram
     * for ranges over numbers; System R's defaults (1/10 and 1/3) where the statistics say nothing.
     */
    public double selectivity(String operator, Object value) {
        double equal = distinct > 0 ? 1.0 / distinct : 0.1;
        if (value instanceof Number n && min instanceof Number low && max instanceof Number high) {
            double v = n.doubleValue();
            if (operator.equals("=") && (v < low.doubleValue() || v > high.doubleValue())) {
                return 0;
            }
            double below = fractionBelow(v, false);
            double atOrBelow = fractionBelow(v, true);
            if (!Double.isNaN(below)) {
                return switch (operator) {
                    case "<" -> below;
                    case "<=" -> Math.max(atOrBelow, below + equal);
                    case ">" -> Math.max(0, 1 - Math.max(atOrBelow, below + equal));
                    case ">=" -> 1 - below;
                    case "=" -> equal;
                    default -> 1 - equal;
                };
            }
        }
        if (value instanceof String s && min instanceof String low && max instanceof String high && operator.equals("=")
                && (s.compareTo(low) < 0 || s.compareTo(high) > 0)) {
            return 0;
        }
        return switch (operator) {
            case "=" -> equal;
            case "!=" -> 1 - equal;
            default -> 1.0 / 3;
        };
    }

    /** Merges sketches of the same column, each standing for {@code weights[i]} values (its sample scaled up). */
    static ColumnStatistics of(String column, List<ColumnSketch> sketches, List<Long> weights) {
        DistinctCounter distinct = new DistinctCounter();
        long values = 0;
        double min = Double.NaN;
        double max = Double.NaN;
        String minText = null;
        String maxText = null;
        boolean fractional = false;
        List<double[]> weighted = new ArrayList<>(); // {value, weight}
        for (int i = 0; i < sketches.size(); i++) {
            ColumnSketch sketch = sketches.get(i);
            distinct.merge(sketch.distinct);
            fractional |= sketch.fractional;
            long stands = weights.get(i);
            values += stands;
            if (!Double.isNaN(sketch.min)) {
                min = Double.isNaN(min) ? sketch.min : Math.min(min, sketch.min);
                max = Double.isNaN(max) ? sketch.max : Math.max(max, sketch.max);
            }
            if (sketch.minText != null) {
                minText = minText == null || sketch.minText.compareTo(minText) < 0 ? sketch.minText : minText;
                maxText = maxText == null || sketch.maxText.compareTo(maxText) > 0 ? sketch.maxText : maxText;
            }
            double each = sketch.sampled == 0 ? 0 : stands * ((double) sketch.numbers / Math.max(1, sketch.values)) / sketch.sampled;
            for (int s = 0; s < sketch.sampled; s++) {
                weighted.add(new double[] {sketch.sample[s], each});
            }
        }
        double[] boundaries = weighted.isEmpty() ? null : equiDepth(weighted, min, max);
        Object low = Double.isNaN(min) ? minText : fractional ? (Object) min : (Object) (long) min;
        Object high = Double.isNaN(max) ? maxText : fractional ? (Object) max : (Object) (long) max;
        return new ColumnStatistics(column, values, Math.min(distinct.estimate(), Math.max(values, 1)), low, high, boundaries);
    }

    private static double[] equiDepth(List<double[]> weighted, double min, double max) {
        weighted.sort((a, b) -> Double.compare(a[0], b[0]));
        double total = 0;
        for (double[] w : weighted) {
            total += w[1];
        }
        double[] boundaries = new double[BUCKETS + 1];
        boundaries[0] = min;
        boundaries[BUCKETS] = max;
        double cumulative = 0;
        int b = 1;
        for (double[] w : weighted) {
            cumulative += w[1];
            while (b < BUCKETS && cumulative >= total * b / BUCKETS) {
                boundaries[b++] = w[0];
            }
        }
        while (b < BUCKETS) {
            boundaries[b++] = max;
        }
        return boundaries;
    }

    @Override
    public String toString() {
        return column + ": values=" + values + " distinct=" + distinct + " min=" + min + " max=" + max
                + (boundaries == null ? ""
                        : " histogram=" + Arrays.toString(Arrays.copyOf(boundaries, Math.min(5, boundaries.length))) + "...");
    }
}
