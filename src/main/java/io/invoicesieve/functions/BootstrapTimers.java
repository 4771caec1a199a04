package io.invoicesieve.functions;

import org.apache.flink.streaming.api.TimerService;

/**
 * The timer service a bootstrap function hands to the shared state logic: timers go into the
 * savepoint through the State Processor API's timer service, and the watermark is the one the
 * running job would at least have had when it saw the invoice (its event time minus the
 * out-of-orderness bound). The real watermark is global and usually further ahead, so this keeps
 * at most a little more than the running job, never less.
 */
final class BootstrapTimers implements TimerService {

    private final TimerService timers;
    private final long watermark;

    BootstrapTimers(TimerService timers, long watermark) {
        this.timers = timers;
        this.watermark = watermark;
    }

    static long watermarkAt(long eventTime, long outOfOrdernessMillis) {
        return eventTime - outOfOrdernessMillis;
    }

    @Override
    public long currentProcessingTime() {
        return timers.currentProcessingTime();
    }

    @Override
    public long currentWatermark() {
        return watermark;
    }

    @Override
    public void registerProcessingTimeTimer(long time) {
        throw new UnsupportedOperationException("the job's state uses event-time timers only");
    }

    @Override
    public void registerEventTimeTimer(long time) {
        timers.registerEventTimeTimer(time);
    }

    @Override
    public void deleteProcessingTimeTimer(long time) {
        throw new UnsupportedOperationException("the job's state uses event-time timers only");
    }

    @Override
    public void deleteEventTimeTimer(long time) {
        timers.deleteEventTimeTimer(time);
    }
}
