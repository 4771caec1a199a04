package io.invoicesieve.job;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

import java.time.Duration;

/**
 * Bounded out-of-orderness watermarks that processing time bounds from above: an event time more
 * than {@code maxFutureSkew} ahead of the wall clock does not count (the parser has made such an
 * invoice a dead letter already: this holds for any source), and the emitted watermark is never
 * more than {@code maxFutureSkew} ahead of the wall clock. Without it, one invoice dated 9999 would
 * put the watermark at 9999: every later invoice LATE_EVENT, every cleanup timer fired, every
 * tenant's history purged.
 */
public final class FutureBoundedWatermarks<T> implements WatermarkGenerator<T> {

    private final long outOfOrdernessMillis;
    private final long maxFutureSkewMillis;
    private long maxTimestamp;

    public FutureBoundedWatermarks(Duration outOfOrderness, Duration maxFutureSkew) {
        this.outOfOrdernessMillis = outOfOrderness.toMillis();
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
        this.maxTimestamp = Long.MIN_VALUE + outOfOrdernessMillis + 1;
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        if (eventTimestamp <= System.currentTimeMillis() + maxFutureSkewMillis && eventTimestamp > maxTimestamp) {
            maxTimestamp = eventTimestamp;
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        output.emitWatermark(new Watermark(
                Math.min(maxTimestamp - outOfOrdernessMillis - 1, System.currentTimeMillis() + maxFutureSkewMillis)));
    }
}
