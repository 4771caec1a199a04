package io.invoicesieve.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Median, min and max of repeated measurements; percentiles of latency samples. */
final class Stats {

    private Stats() {}

    static Map<String, Object> summary(List<Double> runs) {
        double[] v = runs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", v.length == 0 ? Double.NaN : median(v));
        m.put("min", v.length == 0 ? Double.NaN : v[0]);
        m.put("max", v.length == 0 ? Double.NaN : v[v.length - 1]);
        m.put("runs", runs);
        return m;
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return (n & 1) == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Nearest-rank percentile of sorted samples. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static long[] sorted(long[] samples, int n) {
        long[] s = Arrays.copyOf(samples, n);
        Arrays.sort(s);
        return s;
    }
}
