package io.platform.query.stats;

import java.util.SplittableRandom;

/**
 * What one pass over a column's values learns: how many there were (non-null), their distinct count, min and max, and
 * for numbers a uniform sample (reservoir) from which histograms are drawn. Mergeable. Not thread-safe.
 */
final class ColumnSketch {
    static final int SAMPLE = 512;

    final DistinctCounter distinct = new DistinctCounter();
    long values;
    double min = Double.NaN;
    double max = Double.NaN;
    String minText;
    String maxText;
    // the numbers' reservoir: sample[0..sampled) stands for all values seen so far
    final double[] sample = new double[SAMPLE];
    int sampled;
    long numbers;
    // a double among the numbers: min and max are reported as doubles, else as the longs they are
    boolean fractional;
    private final SplittableRandom random;

    ColumnSketch(long seed) {
        random = new SplittableRandom(seed);
    }

    void addNumber(double value) {
        values++;
        numbers++;
        if (Double.isNaN(min) || value < min) {
            min = value;
        }
        if (Double.isNaN(max) || value > max) {
            max = value;
        }
        if (sampled < SAMPLE) {
            sample[sampled++] = value;
        } else {
            long slot = random.nextLong(numbers);
            if (slot < SAMPLE) {
                sample[(int) slot] = value;
            }
        }
    }

    void addLong(long value) {
        distinct.addLong(value);
        addNumber(value);
    }

    void addDouble(double value) {
        fractional = true;
        distinct.addDouble(value);
        addNumber(value);
    }

    void addString(String value) {
        values++;
        distinct.addString(value);
        if (minText == null || value.compareTo(minText) < 0) {
            minText = value;
        }
        if (maxText == null || value.compareTo(maxText) > 0) {
            maxText = value;
        }
    }
}
