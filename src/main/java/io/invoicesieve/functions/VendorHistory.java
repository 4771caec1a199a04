package io.invoicesieve.functions;

import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.EventTimes;
import io.invoicesieve.detect.amounts.AmountDetector;
import io.invoicesieve.detect.bank.BankChangeDetector;
import io.invoicesieve.detect.duplicates.DuplicateIndex;
import io.invoicesieve.detect.duplicates.ReplayFilter;
import io.invoicesieve.state.Descriptors;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;

/**
 * The keyed state of one (tenant, vendor): each detector's state, owned by the detector
 * ({@link ReplayFilter}, {@link DuplicateIndex}, {@link AmountDetector}, {@link BankChangeDetector}),
 * and the one cleanup timer of the key that purges them all. Shared by the scorer and by the State
 * Processor API bootstrap, so that a warm-started savepoint holds exactly what the running job would
 * have built from the same invoices.
 *
 * <p>{@code cleanup-timer}: one event-time timer per key, at the first multiple of
 * {@code sieve.state.cleanup-interval} after the earliest expiry; it purges every detector's state up
 * to the watermark and re-arms, or clears the key when nothing is left. A purge visits all of the
 * vendor's state, so it runs weekly rather than daily by default. When the watermark reaches
 * {@code Long.MAX_VALUE} (end of a bounded input, stop-with-savepoint {@code --drain}) every timer
 * fires at once; those firings purge nothing (see {@link #cleanup}).
 */
public final class VendorHistory {

    private final DetectorSettings settings;
    public final ReplayFilter replays;
    public final DuplicateIndex duplicates;
    public final AmountDetector amounts;
    public final BankChangeDetector bank;
    private final ValueState<Long> cleanupTimer;

    public VendorHistory(RuntimeContext ctx, DetectorSettings settings) {
        this.settings = settings;
        this.replays = new ReplayFilter(ctx, settings.replayRetentionMillis);
        this.duplicates = new DuplicateIndex(ctx, settings);
        this.amounts = new AmountDetector(ctx, settings);
        this.bank = new BankChangeDetector(ctx, settings);
        this.cleanupTimer = ctx.getState(Descriptors.cleanupTimer());
    }

    /** The event time of the pending cleanup timer, or null when none is pending. */
    public Long pendingCleanup() throws Exception {
        return cleanupTimer.value();
    }

    /** Makes sure a cleanup timer is pending no later than this invoice's earliest expiry. */
    public void scheduleCleanup(TimerService timers, long time) throws Exception {
        long watermark = timers.currentWatermark();
        long retention = Math.min(Math.min(settings.lookbackMillis, settings.replayRetentionMillis),
                Math.min(settings.amountWindowMillis, settings.bankRetentionMillis));
        long due = EventTimes.ceil(EventTimes.saturatedAdd(Math.max(time, watermark), retention), interval());
        Long pending = cleanupTimer.value();
        if (pending == null || due < pending) {
            if (pending != null) {
                timers.deleteEventTimeTimer(pending);
            }
            timers.registerEventTimeTimer(due);
            cleanupTimer.update(due);
        }
    }

    /**
     * Purges what expired by the timer's time (or the watermark) and re-arms, or leaves the key empty.
     * At the end of event time ({@link #isEndOfEventTime}) it purges nothing and does not re-arm.
     */
    public void cleanup(long firedAt, TimerService timers) throws Exception {
        long watermark = timers.currentWatermark();
        if (isEndOfEventTime(watermark)) {
            // the history stays as it is: a bounded run discards it right after, and a savepoint
            // taken by stop-with-savepoint --drain keeps every vendor's history for the next
            // version. The timer itself has fired (a drained savepoint holds no event-time
            // timers), so forget it: the key's next invoice after a restore arms a new one.
            cleanupTimer.clear();
            return;
        }
        // purge up to the watermark, not just the timer's time: after a jump of the watermark one
        // purge does the work of many
        long timestamp = Math.max(firedAt, watermark);
        long next = Math.min(
                Math.min(replays.purge(timestamp), duplicates.purge(timestamp)),
                Math.min(amounts.purge(timestamp), bank.purge(timestamp)));
        if (next == Long.MAX_VALUE) {
            cleanupTimer.clear();
        } else {
            long due = Math.max(EventTimes.ceil(next, interval()), timestamp + interval());
            timers.registerEventTimeTimer(due);
            cleanupTimer.update(due);
        }
    }

    /**
     * True when the cleanup timers fire because event time has ended: the watermark is
     * {@code Long.MAX_VALUE}, which Flink sets before firing the timers (the operator's timer service
     * advances its watermark first, then fires every timer up to it) when a bounded input ends or a
     * job is stopped with {@code --drain}. A running job never gets there: idle inputs hold the
     * watermark back instead.
     */
    static boolean isEndOfEventTime(long watermark) {
        return watermark == Long.MAX_VALUE;
    }

    private long interval() {
        return Math.max(EventTimes.DAY, settings.cleanupIntervalMillis);
    }
}
