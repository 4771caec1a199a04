package io.invoicesieve.tools.learn;

import io.invoicesieve.learn.PairModel;

import java.util.List;

/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS) on standardised features:
 * 13 features, so the Hessian is 14 x 14 and each step a small Gaussian elimination. Deterministic.
 */
public final class LogisticRegression {

    private LogisticRegression() {}

    public static PairModel fit(String version, List<double[]> xs, boolean[] ys, double lambda, int iterations) {
        int d = xs.get(0).length;
        int n = xs.size();
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (double[] x : xs) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[j] / n;
            }
        }
        for (double[] x : xs) {
            for (int j = 0; j < d; j++) {
                scale[j] += (x[j] - mean[j]) * (x[j] - mean[j]) / n;
            }
        }
        for (int j = 0; j < d; j++) {
            scale[j] = Math.sqrt(scale[j]);
            if (!(scale[j] > 1e-9)) {
                scale[j] = 1; // a constant feature: weight stays ~0
            }
        }
        double[][] z = new double[n][d + 1];
        for (int i = 0; i < n; i++) {
            z[i][0] = 1;
            for (int j = 0; j < d; j++) {
                z[i][j + 1] = (xs.get(i)[j] - mean[j]) / scale[j];
            }
        }
        double[] w = new double[d + 1];
        for (int it = 0; it < iterations; it++) {
            double[] grad = new double[d + 1];
            double[][] h = new double[d + 1][d + 1];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j <= d; j++) {
                    s += w[j] * z[i][j];
                }
                double p = 1 / (1 + Math.exp(-s));
                double r = (ys[i] ? 1 : 0) - p;
                double q = Math.max(p * (1 - p), 1e-9);
                for (int j = 0; j <= d; j++) {
                    grad[j] += r * z[i][j];
                    for (int k = 0; k <= j; k++) {
                        h[j][k] += q * z[i][j] * z[i][k];
                    }
                }
            }
            for (int j = 0; j <= d; j++) {
                for (int k = 0; k < j; k++) {
                    h[k][j] = h[j][k];
                }
                if (j > 0) { // no penalty on the bias
                    grad[j] -= lambda * w[j];
                    h[j][j] += lambda;
                } else {
                    h[j][j] += 1e-6;
                }
            }
            double[] step = solve(h, grad);
            double change = 0;
            for (int j = 0; j <= d; j++) {
                w[j] += step[j];
                change = Math.max(change, Math.abs(step[j]));
            }
            if (change < 1e-8) {
                break;
            }
        }
        double[] weights = new double[d];
        System.arraycopy(w, 1, weights, 0, d);
        return new PairModel(version, mean, scale, weights, w[0], 0.5, n);
    }

    /** Solves a x = b (Gaussian elimination, partial pivoting). */
    static double[] solve(double[][] a0, double[] b0) {
        int n = b0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = a0[i].clone();
        }
        double[] b = b0.clone();
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
                    p = r;
                }
            }
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            double tb = b[c];
            b[c] = b[p];
            b[p] = tb;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < n; k++) {
                    a[r][k] -= f * a[c][k];
                }
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < n; k++) {
                s -= a[r][k] * x[k];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }
}
