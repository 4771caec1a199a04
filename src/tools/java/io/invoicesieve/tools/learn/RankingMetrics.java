package io.invoicesieve.tools.learn;

import java.util.Arrays;
import java.util.Comparator;

/** ROC-AUC (Mann-Whitney, ties counted half) and average precision (ties scored as one block). */
public final class RankingMetrics {

    private RankingMetrics() {}

    public static double rocAuc(double[] scores, boolean[] labels) {
        Integer[] order = order(scores);
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1; // ascending ranks
            for (int k = i; k <= j; k++) {
                if (labels[order[k]]) {
                    rankSumPos += avgRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = scores.length - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /** Average precision: sum over tie blocks (descending) of precision at the block's end x recall gained. */
    public static double averagePrecision(double[] scores, boolean[] labels) {
        Integer[] order = order(scores);
        long totalPos = 0;
        for (boolean l : labels) {
            totalPos += l ? 1 : 0;
        }
        if (totalPos == 0) {
            return Double.NaN;
        }
        double ap = 0;
        long tp = 0;
        int seen = 0;
        int i = order.length - 1; // descending
        while (i >= 0) {
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) {
                j--;
            }
            long blockPos = 0;
            for (int k = j; k <= i; k++) {
                blockPos += labels[order[k]] ? 1 : 0;
            }
            tp += blockPos;
            seen += i - j + 1;
            ap += ((double) tp / seen) * ((double) blockPos / totalPos);
            i = j - 1;
        }
        return ap;
    }

    private static Integer[] order(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(k -> scores[k]));
        return order;
    }
}
