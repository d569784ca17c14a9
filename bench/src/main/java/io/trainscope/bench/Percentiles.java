package io.trainscope.bench;

import java.util.Arrays;

/** Percentiles of a sample of measurements. */
record Percentiles(int count, double p50, double p90, double p95, double p99, double max) {

    static Percentiles of(double[] values) {
        if (values.length == 0) {
            return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.95), at(sorted, 0.99),
                sorted[sorted.length - 1]);
    }

    private static double at(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
