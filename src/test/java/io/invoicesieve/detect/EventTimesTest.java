package io.invoicesieve.detect;

import org.junit.jupiter.api.Test;

import static io.invoicesieve.detect.EventTimes.DAY;
import static org.assertj.core.api.Assertions.assertThat;

/** Cleanup-timer arithmetic: the next multiple strictly after, and an add that saturates instead of wrapping. */
class EventTimesTest {

    private static final long WEEK = 7 * DAY;

    @Test
    void ceilIsTheNextMultipleStrictlyAfter() {
        assertThat(EventTimes.ceil(0, WEEK)).isEqualTo(WEEK);
        assertThat(EventTimes.ceil(1, WEEK)).isEqualTo(WEEK);
        assertThat(EventTimes.ceil(WEEK - 1, WEEK)).isEqualTo(WEEK);
        assertThat(EventTimes.ceil(WEEK, WEEK)).isEqualTo(2 * WEEK);
        assertThat(EventTimes.ceil(3 * WEEK + 5, WEEK)).isEqualTo(4 * WEEK);
        assertThat(EventTimes.ceil(-1, WEEK)).as("epoch-aligned below zero too").isZero();
        assertThat(EventTimes.ceil(-WEEK - 1, WEEK)).isEqualTo(-WEEK);
    }

    @Test
    void ceilDayIsTheNextMidnight() {
        long noon = 20_000 * DAY + DAY / 2;
        assertThat(EventTimes.ceilDay(noon)).isEqualTo(20_001 * DAY);
        assertThat(EventTimes.ceilDay(20_000 * DAY)).isEqualTo(20_001 * DAY);
    }

    @Test
    void saturatedAddAddsOrStopsAtMax() {
        assertThat(EventTimes.saturatedAdd(0, 0)).isZero();
        assertThat(EventTimes.saturatedAdd(5, 7)).isEqualTo(12);
        assertThat(EventTimes.saturatedAdd(-5, 3)).isEqualTo(-2);
        assertThat(EventTimes.saturatedAdd(3, -5)).isEqualTo(-2);
        assertThat(EventTimes.saturatedAdd(100 * DAY, 180 * DAY)).isEqualTo(280 * DAY);
        assertThat(EventTimes.saturatedAdd(Long.MAX_VALUE, 180 * DAY)).isEqualTo(Long.MAX_VALUE);
        assertThat(EventTimes.saturatedAdd(Long.MAX_VALUE - 10, 10)).isEqualTo(Long.MAX_VALUE);
        assertThat(EventTimes.saturatedAdd(Long.MAX_VALUE - 10, 11)).isEqualTo(Long.MAX_VALUE);
        assertThat(EventTimes.saturatedAdd(Long.MAX_VALUE - 10, 9)).isEqualTo(Long.MAX_VALUE - 1);
        assertThat(EventTimes.saturatedAdd(Long.MIN_VALUE, 1)).isEqualTo(Long.MIN_VALUE + 1);
    }
}
