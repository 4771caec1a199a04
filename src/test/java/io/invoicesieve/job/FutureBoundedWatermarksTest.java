package io.invoicesieve.job;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The watermark never runs more than the skew ahead of the wall clock, whatever event times arrive. */
class FutureBoundedWatermarksTest {

    @Test
    void aFarFutureEventTimeDoesNotMoveTheWatermark() {
        List<Long> emitted = new ArrayList<>();
        WatermarkOutput out = new WatermarkOutput() {
            @Override
            public void emitWatermark(Watermark watermark) {
                emitted.add(watermark.getTimestamp());
            }

            @Override
            public void markIdle() {}

            @Override
            public void markActive() {}
        };
        FutureBoundedWatermarks<Object> w = new FutureBoundedWatermarks<>(Duration.ofMinutes(2), Duration.ofMinutes(15));
        long past = 1_772_442_000_000L; // 2026-03-02
        w.onEvent("a", past, out);
        w.onEvent("9999", 253_402_214_400_000L, out); // 9999-12-31
        w.onPeriodicEmit(out);
        assertThat(emitted).containsExactly(past - Duration.ofMinutes(2).toMillis() - 1);

        // events a little ahead of the clock (within the skew) count, but never beyond now + skew
        long now = System.currentTimeMillis();
        w.onEvent("soon", now + Duration.ofMinutes(14).toMillis(), out);
        w.onPeriodicEmit(out);
        long bound = System.currentTimeMillis() + Duration.ofMinutes(15).toMillis();
        assertThat(emitted.get(1)).isLessThanOrEqualTo(bound).isGreaterThan(now);
    }
}
