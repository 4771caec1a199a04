package io.invoicesieve.tools.learn;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** AP and ROC-AUC on cases small enough to compute by hand (the computation is in each comment). */
class RankingMetricsTest {

    private static final boolean T = true;
    private static final boolean F = false;

    @Test
    void distinctScores() {
        double[] s = {0.9, 0.8, 0.7, 0.6};
        boolean[] y = {T, F, T, F};
        // ranked T F T F: precision 1/1 at the first positive, 2/3 at the second; AP = (1 + 2/3) / 2
        assertThat(RankingMetrics.averagePrecision(s, y)).isCloseTo(5.0 / 6, within(1e-12));
        // positive above negative: 0.9>0.8, 0.9>0.6, 0.7>0.6, not 0.7>0.8: 3 of 4
        assertThat(RankingMetrics.rocAuc(s, y)).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void orderOfTheInputDoesNotMatter() {
        double[] s = {0.6, 0.7, 0.9, 0.8};
        boolean[] y = {F, T, T, F};
        assertThat(RankingMetrics.averagePrecision(s, y)).isCloseTo(5.0 / 6, within(1e-12));
        assertThat(RankingMetrics.rocAuc(s, y)).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void perfectAndReversedRankings() {
        double[] s = {3, 2, 1, 0};
        assertThat(RankingMetrics.averagePrecision(s, new boolean[] {T, T, F, F})).isEqualTo(1.0);
        assertThat(RankingMetrics.rocAuc(s, new boolean[] {T, T, F, F})).isEqualTo(1.0);
        // reversed: positives at ranks 3 and 4: AP = (1/3 + 2/4) / 2
        assertThat(RankingMetrics.averagePrecision(s, new boolean[] {F, F, T, T})).isCloseTo(5.0 / 12, within(1e-12));
        assertThat(RankingMetrics.rocAuc(s, new boolean[] {F, F, T, T})).isEqualTo(0.0);
    }

    @Test
    void tiesAreOneBlock() {
        // the rules' shape: three pairs at one kind's score, two unflagged at 0
        double[] s = {0.9, 0.9, 0.9, 0, 0};
        boolean[] y = {T, T, F, T, F};
        // block {T,T,F}: precision 2/3 x recall 2/3; block {T,F}: precision 3/5 x recall 1/3
        assertThat(RankingMetrics.averagePrecision(s, y)).isCloseTo(2.0 / 3 * 2.0 / 3 + 3.0 / 5 / 3, within(1e-12));
        // pos-neg pairs: (0.9,0.9) 1/2 twice, (0.9,0) 1 twice, (0,0.9) 0, (0,0) 1/2: 3.5 of 6
        assertThat(RankingMetrics.rocAuc(s, y)).isCloseTo(3.5 / 6, within(1e-12));
    }

    @Test
    void allTiedIsChance() {
        double[] s = {1, 1, 1, 1};
        boolean[] y = {T, F, F, F};
        assertThat(RankingMetrics.averagePrecision(s, y)).isCloseTo(0.25, within(1e-12)); // the base rate
        assertThat(RankingMetrics.rocAuc(s, y)).isCloseTo(0.5, within(1e-12));
        // two blocks {1,1} {0,0}, one positive in each: AP = 1/2 x 1/2 + 2/4 x 1/2; AUC = (1/2 + 1 + 0 + 1/2) / 4
        assertThat(RankingMetrics.averagePrecision(new double[] {1, 1, 0, 0}, new boolean[] {T, F, T, F}))
                .isCloseTo(0.5, within(1e-12));
        assertThat(RankingMetrics.rocAuc(new double[] {1, 1, 0, 0}, new boolean[] {T, F, T, F})).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void undefinedWithoutBothClasses() {
        assertThat(RankingMetrics.rocAuc(new double[] {1, 2}, new boolean[] {T, T})).isNaN();
        assertThat(RankingMetrics.rocAuc(new double[] {1, 2}, new boolean[] {F, F})).isNaN();
        assertThat(RankingMetrics.averagePrecision(new double[] {1, 2}, new boolean[] {F, F})).isNaN();
        assertThat(RankingMetrics.averagePrecision(new double[] {1, 2}, new boolean[] {T, T})).isEqualTo(1.0);
    }
}
