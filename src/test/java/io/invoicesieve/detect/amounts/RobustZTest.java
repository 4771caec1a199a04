package io.invoicesieve.detect.amounts;

import io.invoicesieve.state.AmountHistory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link RobustStats#spread}, {@link RobustStats#robustZ} and the MAD floor, directly (README: Amount anomalies). */
class RobustZTest {

    private static RobustStats of(double... amounts) {
        AmountHistory h = AmountHistory.withCapacity(64);
        for (double a : amounts) {
            h.add(Math.log(a), 0);
        }
        return RobustStats.of(h);
    }

    @Test
    void theMadFloorIsLogOf115() {
        assertThat(RobustStats.MAD_FLOOR).isCloseTo(Math.log(1.15), within(1e-4));
    }

    @Test
    void aSteadyVendorsSpreadIsTheFloor() {
        RobustStats s = of(1000, 1000, 1000, 1000, 1000);
        assertThat(s.mad()).isZero();
        assertThat(s.spread()).isEqualTo(RobustStats.MAD_FLOOR);
        // a 10% rise is a small z, not an infinite one
        assertThat(s.robustZ(Math.log(1100))).isCloseTo(0.6745 * Math.log(1.1) / RobustStats.MAD_FLOOR, within(1e-12));
        assertThat(s.robustZ(Math.log(1100))).isLessThan(0.5);
        assertThat(s.robustZ(Math.log(1000))).isZero();
    }

    @Test
    void aMadAboveTheFloorIsTheSpread() {
        // log-amounts spread by a factor of 2: MAD = log 2 > floor
        RobustStats s = of(250, 500, 1000, 2000, 4000);
        assertThat(s.median).isCloseTo(Math.log(1000), within(1e-12));
        assertThat(s.mad()).isCloseTo(Math.log(2), within(1e-12));
        assertThat(s.spread()).isEqualTo(s.mad());
        assertThat(s.robustZ(Math.log(8000))).isCloseTo(0.6745 * Math.log(8) / Math.log(2), within(1e-12));
    }

    @Test
    void robustZIsSignedBelowTheMedian() {
        RobustStats s = of(1000, 1000, 1000);
        double z = s.robustZ(Math.log(100));
        assertThat(z).isNegative().isCloseTo(-0.6745 * Math.log(10) / RobustStats.MAD_FLOOR, within(1e-12));
    }

    @Test
    void justAboveTheFloorTheMadIsUsed() {
        double mad = RobustStats.MAD_FLOOR * 1.5;
        RobustStats s = of(1000, Math.exp(Math.log(1000) + mad), Math.exp(Math.log(1000) - mad));
        assertThat(s.mad()).isCloseTo(mad, within(1e-9));
        assertThat(s.spread()).isCloseTo(mad, within(1e-9));
        assertThat(s.robustZ(Math.log(1000) + 3 * mad)).isCloseTo(0.6745 * 3, within(1e-9));
    }

    @Test
    void noHistoryHasSizeZero() {
        assertThat(RobustStats.of(null).size).isZero();
        assertThat(RobustStats.of(AmountHistory.withCapacity(4)).size).isZero();
        assertThat(RobustStats.of(null).median).isNaN();
    }
}
