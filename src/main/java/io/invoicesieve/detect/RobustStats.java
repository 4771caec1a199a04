package io.invoicesieve.detect;

import io.invoicesieve.state.AmountHistory;

import java.util.Arrays;

/** Median and median absolute deviation of a vendor's log-amounts. */
public final class RobustStats {

    public final int size;
    public final double median;
    public final double mad;

    private RobustStats(int size, double median, double mad) {
        this.size = size;
        this.median = median;
        this.mad = mad;
    }

    public static RobustStats of(AmountHistory history) {
        if (history == null || history.size == 0) {
            return new RobustStats(0, Double.NaN, Double.NaN);
        }
        int n = history.size;
        double[] values = new double[n];
        int cap = history.logAmounts.length;
        for (int i = 0; i < n; i++) {
            values[i] = history.logAmounts[Math.floorMod(history.next - n + i, cap)];
        }
        Arrays.sort(values);
        double median = median(values);
        for (int i = 0; i < n; i++) {
            values[i] = Math.abs(values[i] - median);
        }
        Arrays.sort(values);
        return new RobustStats(n, median, median(values));
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return (n & 1) == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
