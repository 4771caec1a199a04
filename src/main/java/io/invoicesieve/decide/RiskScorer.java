package io.invoicesieve.decide;

import io.invoicesieve.model.Reason;

/**
 * Combines reason scores into one risk score: a noisy-OR, {@code 1 - prod(1 - score_i)}. Each
 * reason is read as the probability that it alone means the invoice should not be paid unseen;
 * independent reasons reinforce each other, one reason never exceeds its own score, and the result
 * stays in [0, 1]. LATE_EVENT has score 0: it informs, it does not accuse.
 */
public final class RiskScorer {

    private RiskScorer() {}

    public static double combine(Reason[] reasons) {
        double pass = 1.0;
        for (Reason r : reasons) {
            pass *= 1.0 - Math.max(0.0, Math.min(1.0, r.score));
        }
        return Math.round((1.0 - pass) * 10_000) / 10_000.0;
    }
}
