package io.invoicesieve.state;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The ring of log-amounts: bounded by capacity, evicted by day, oldest day tracked. */
class AmountHistoryTest {

    private static AmountHistory of(int capacity, int... days) {
        AmountHistory h = AmountHistory.withCapacity(capacity);
        for (int d : days) {
            h.add(d / 10.0, d);
        }
        return h;
    }

    @Test
    void theRingKeepsTheLatestCapacitySamples() {
        AmountHistory h = of(3, 10, 20, 30, 40);
        assertThat(h.size).isEqualTo(3);
        assertThat(h.next).isEqualTo(1);
        assertThat(h.oldestDay()).isEqualTo(20);
        AmountHistory empty = AmountHistory.withCapacity(0);
        empty.add(1.0, 1);
        assertThat(empty.size).isZero();
    }

    @Test
    void evictDropsSamplesBeforeTheDayOldestFirst() {
        AmountHistory h = of(4, 10, 20, 30, 40, 50); // ring: 50 20 30 40 (next = 1)
        assertThat(h.evictBefore(30)).isTrue();
        assertThat(h.size).isEqualTo(3);
        assertThat(h.oldestDay()).isEqualTo(30);
        assertThat(h.days).startsWith(30, 40, 50);
        assertThat(h.logAmounts).startsWith(3.0, 4.0, 5.0);
        assertThat(h.next).isEqualTo(3);
        h.add(6.0, 60);
        assertThat(h.size).isEqualTo(4);
        assertThat(h.next).isZero();
        assertThat(h.oldestDay()).isEqualTo(30);
        assertThat(h.evictBefore(31)).isTrue();
        assertThat(h.oldestDay()).isEqualTo(40);
        assertThat(h.size).isEqualTo(3);
    }

    @Test
    void evictOfNothingOldKeepsTheRing() {
        AmountHistory h = of(4, 10, 20);
        double[] before = h.logAmounts;
        assertThat(h.evictBefore(10)).isTrue();
        assertThat(h.logAmounts).isSameAs(before);
        assertThat(h.size).isEqualTo(2);
        assertThat(h.next).isEqualTo(2);
    }

    @Test
    void evictOfEverything() {
        AmountHistory h = of(4, 10, 20);
        assertThat(h.evictBefore(21)).isFalse();
        assertThat(h.size).isZero();
        assertThat(h.oldestDay()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void evictOfAFullRing() {
        AmountHistory h = of(3, 10, 20, 30);
        assertThat(h.next).isZero();
        assertThat(h.evictBefore(20)).isTrue();
        assertThat(h.days).startsWith(20, 30);
        assertThat(h.next).isEqualTo(2);
        assertThat(h.oldestDay()).isEqualTo(20);
    }
}
