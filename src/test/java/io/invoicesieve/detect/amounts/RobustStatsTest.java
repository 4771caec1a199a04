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
        assertThat(s.mad()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void theMadOnFirstUseEqualsTheSortedMadAndLeavesTheRingAlone() {
        Random random = new Random(11);
        for (int trial = 0; trial < 2000; trial++) {
            int cap = 1 + random.nextInt(60);
            AmountHistory h = AmountHistory.withCapacity(cap);
            int adds = 1 + random.nextInt(2 * cap);
            for (int i = 0; i < adds; i++) {
                h.add(random.nextInt(3) == 0 ? 5.0 : 5.0 + random.nextGaussian(), i);
            }
            double[] ring = h.logAmounts.clone();
            double[] samples = new double[h.size];
            for (int i = 0; i < h.size; i++) {
                samples[i] = h.logAmounts[Math.floorMod(h.next - h.size + i, cap)];
            }
            double median = sortedMedian(samples);
            double[] deviations = Arrays.stream(samples).map(x -> Math.abs(x - median)).toArray();
            RobustStats s = RobustStats.of(h);
            assertThat(s.median).isEqualTo(median);
            assertThat(s.mad()).isEqualTo(sortedMedian(deviations));
            assertThat(s.mad()).as("a second call").isEqualTo(sortedMedian(deviations));
            assertThat(s.median).isEqualTo(median);
            assertThat(h.logAmounts).as("the vendor's ring is not the scratch array").containsExactly(ring);
        }
        assertThat(RobustStats.of(AmountHistory.withCapacity(3)).mad()).isNaN();
    }
}
