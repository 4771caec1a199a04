package io.invoicesieve.config;

import io.invoicesieve.model.DecisionType;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** REVIEW from the review threshold, HOLD from the hold threshold, both inclusive; per tenant overridable. */
class ThresholdsTest {

    @Test
    void thresholdsAreInclusive() {
        Thresholds t = Thresholds.of(0.5, 0.8);
        assertThat(t.decide("acme", 0.0)).isEqualTo(DecisionType.PASS);
        assertThat(t.decide("acme", 0.4999)).isEqualTo(DecisionType.PASS);
        assertThat(t.decide("acme", 0.5)).isEqualTo(DecisionType.REVIEW);
        assertThat(t.decide("acme", 0.7999)).isEqualTo(DecisionType.REVIEW);
        assertThat(t.decide("acme", 0.8)).isEqualTo(DecisionType.HOLD);
        assertThat(t.decide("acme", 1.0)).isEqualTo(DecisionType.HOLD);
    }

    @Test
    void tenantsOverrideBoth() {
        Thresholds t = Thresholds.parse(0.5, 0.8, " strict:0.2:0.4 , lenient:0.6:0.95", "k");
        assertThat(t.decide("strict", 0.19)).isEqualTo(DecisionType.PASS);
        assertThat(t.decide("strict", 0.2)).isEqualTo(DecisionType.REVIEW);
        assertThat(t.decide("strict", 0.4)).isEqualTo(DecisionType.HOLD);
        assertThat(t.decide("lenient", 0.59)).isEqualTo(DecisionType.PASS);
        assertThat(t.decide("lenient", 0.9)).isEqualTo(DecisionType.REVIEW);
        assertThat(t.decide("lenient", 0.95)).isEqualTo(DecisionType.HOLD);
        assertThat(t.decide("acme", 0.5)).isEqualTo(DecisionType.REVIEW);
    }

    @Test
    void equalThresholdsAndOneAreAllowed() {
        assertThat(Thresholds.of(0.6, 0.6).decide("x", 0.6)).isEqualTo(DecisionType.HOLD);
        assertThat(Thresholds.of(1.0, 1.0).decide("x", 0.99)).isEqualTo(DecisionType.PASS);
        assertThat(Thresholds.parse(0.5, 0.8, "t:1:1", "k").decide("t", 1.0)).isEqualTo(DecisionType.HOLD);
    }

    @Test
    void outOfRangeOrInvertedThresholdsAreRefused() {
        for (double[] bad : new double[][] {{0, 0.8}, {0.5, 0}, {-0.1, 0.8}, {0.5, 1.01}, {1.01, 1.01}, {0.9, 0.8}}) {
            assertThatThrownBy(() -> Thresholds.of(bad[0], bad[1])).as("%s", java.util.Arrays.toString(bad))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Thresholds.parse(0.5, 0.8, "t:" + bad[0] + ":" + bad[1], "k"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant 't'");
        }
        assertThatThrownBy(() -> Thresholds.of(0.9, 0.8)).hasMessage(
                "Setting 'thresholds': the REVIEW threshold 0.9 is above the HOLD threshold 0.8");
        assertThatThrownBy(() -> Thresholds.parse(0.5, 0.8, "t:0.5", "k")).hasMessageContaining("'tenant:review:hold'");
        assertThatThrownBy(() -> Thresholds.parse(0.5, 0.8, ":0.5:0.6", "k")).hasMessageContaining("'tenant:review:hold'");
        assertThatThrownBy(() -> Thresholds.parse(0.5, 0.8, "t:x:0.6", "k")).hasMessageContaining("non-numeric");
    }
}
