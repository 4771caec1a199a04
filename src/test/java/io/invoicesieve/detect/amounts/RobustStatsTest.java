package io.invoicesieve.detect.amounts;

import io.invoicesieve.state.AmountHistory;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RobustStatsTest {

    private static double sortedMedian(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return (n & 1) == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    @Test
    void selectionMedianEqualsTheSortedMedian() {
        Random random = new Random(3);
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + random.nextInt(70);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                // duplicates on purpose: vendors bill the same amount often
                v[i] = random.nextInt(4) == 0 ? 7.0 : random.nextGaussian();
            }
            assertThat(RobustStats.median(v.clone())).isEqualTo(sortedMedian(v));
        }
    }

    @Test
    void medianAndMadOfARingBuffer() {
        AmountHistory h = AmountHistory.withCapacity(4);
        for (double x : new double[] {100, 1, 2, 3, 4}) {
            h.add(x, 0);
        }
        RobustStats s = RobustStats.of(h);
        assertThat(s.size).isEqualTo(4);
        assertThat(s.median).isCloseTo(2.5, within(1e-12));
        assertThat(s.mad).isCloseTo(1.0, within(1e-12));
    }
}
