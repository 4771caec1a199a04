package io.invoicesieve.detect.amounts;

import io.invoicesieve.state.AmountHistory;

/**
 * Median and median absolute deviation of a vendor's log-amounts. The median is computed at once
 * (every invoice needs it: the anomaly's ratio, the bank change's weight); the MAD on first use, which
 * is only for an amount already far enough from the median to be an anomaly: a second selection per
 * invoice that most invoices never needed.
 */
public final class RobustStats {

    public final int size;
    public final double median;
    /** The samples, reordered by the median's selection; null once the MAD is known. */
    private double[] values;
    private double mad = Double.NaN;

    /**
     * A floor under the MAD, log(1.15): a vendor billing the same amount every month still has a
     * spread, so a 10% change is not an infinite z.
     */
    public static final double MAD_FLOOR = 0.1398;

    /** The median absolute deviation (NaN without samples), computed on first use. */
    public double mad() {
        if (values != null) {
            double[] deviations = values;
            values = null;
            for (int i = 0; i < deviations.length; i++) {
                deviations[i] = Math.abs(deviations[i] - median);
            }
            mad = median(deviations);
        }
        return mad;
    }

    /** The MAD, at least {@link #MAD_FLOOR}. */
    public double spread() {
        return Math.max(mad(), MAD_FLOOR);
    }

    /** Robust z of a log-amount: {@code 0.6745 * (x - median) / spread}. */
    public double robustZ(double logAmount) {
        return 0.6745 * (logAmount - median) / spread();
    }

    private RobustStats(int size, double median, double[] values) {
        this.size = size;
        this.median = median;
        this.values = values;
    }

    public static RobustStats of(AmountHistory history) {
        if (history == null || history.size == 0) {
            return new RobustStats(0, Double.NaN, null);
        }
        int n = history.size;
        double[] values = new double[n];
        int cap = history.logAmounts.length;
        for (int i = 0; i < n; i++) {
            values[i] = history.logAmounts[Math.floorMod(history.next - n + i, cap)];
        }
        return new RobustStats(n, median(values), values);
    }

    /** Median by selection (expected linear time; reorders {@code values}). */
    static double median(double[] values) {
        int n = values.length;
        double upper = select(values, n / 2);
        if ((n & 1) == 1) {
            return upper;
        }
        // the lower middle is the largest value left of the upper one after selection
        double lower = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n / 2; i++) {
            lower = Math.max(lower, values[i]);
        }
        return (lower + upper) / 2;
    }

    /** Hoare's quickselect: the k-th smallest value; afterwards values[0..k) are all <= it. */
    private static double select(double[] a, int k) {
        int lo = 0;
        int hi = a.length - 1;
        while (lo < hi) {
            double pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }
}
