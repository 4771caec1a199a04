package io.invoicesieve.functions;

import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.EventTimes;
import io.invoicesieve.detect.crossvendor.CrossVendorDetector;
import io.invoicesieve.detect.shared.SharedAccountDetector;
import io.invoicesieve.state.Descriptors;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;

/**
 * The keyed state of one (tenant, remit account): the account's vendors ({@link SharedAccountDetector},
 * {@code account-vendors}), its recent invoices for the cross-vendor match ({@link CrossVendorDetector},
 * {@code account-invoices}), and the one {@code cleanup-timer} of the key that purges both. Shared
 * by {@link AccountSharing} and its warm start, as {@link VendorHistory} is for the scorer.
 *
 * <p>Timer: at the earliest expiry, rounded up to the next midnight for the vendors (730 d
 * retention: rare) and to the next multiple of {@code sieve.state.cleanup-interval} for the invoices
 * (a purge visits all of the account's invoices; lookups respect the lookback anyway). At most one
 * timer per key; it re-arms, and clears the key when nothing is left; at the end of event time
 * (watermark {@code Long.MAX_VALUE}) it fires without purging. A key restored from 0.1.0
 * has its daily-rounded vendor timer; the first invoice moves it earlier if the invoices expire first.
 */
public final class AccountState {

    private final DetectorSettings settings;
    public final SharedAccountDetector sharing;
    public final CrossVendorDetector crossVendor;
    private final ValueState<Long> cleanupTimer;

    public AccountState(RuntimeContext ctx, DetectorSettings settings) {
        this.settings = settings;
        this.sharing = new SharedAccountDetector(ctx, settings.bankRetentionMillis);
        this.crossVendor = new CrossVendorDetector(
                ctx, settings.lookbackMillis, settings.dateToleranceDays, settings.crossVendorMaxBucket);
        this.cleanupTimer = ctx.getState(Descriptors.cleanupTimer());
    }

    /** The event time of the pending cleanup timer, or null. */
    public Long pendingCleanup() throws Exception {
        return cleanupTimer.value();
    }

    /** Makes sure a cleanup timer is pending no later than what this invoice added expires. */
    public void scheduleCleanup(TimerService timers, long time) throws Exception {
        long base = Math.max(time, timers.currentWatermark());
        long due = EventTimes.ceilDay(EventTimes.saturatedAdd(base, settings.bankRetentionMillis));
        if (settings.crossVendor) {
            due = Math.min(due, EventTimes.ceil(EventTimes.saturatedAdd(base, settings.lookbackMillis), interval()));
        }
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
     * The cleanup timer at {@code firedAt}: purges both states up to the watermark and re-arms. At
     * the end of event time it purges nothing and does not re-arm, as {@link VendorHistory#cleanup}.
     */
    public void cleanup(long firedAt, TimerService timers) throws Exception {
        long watermark = timers.currentWatermark();
        if (VendorHistory.isEndOfEventTime(watermark)) {
            // keep the account's vendors and invoices (bounded run: discarded anyway; drained
            // savepoint: kept for the next version); the fired timer is gone, so forget it
            cleanupTimer.clear();
            return;
        }
        // purge up to the watermark, not just the timer's time
        long timestamp = Math.max(firedAt, watermark);
        long vendorsNext = sharing.purge(timestamp);
        long invoicesNext = crossVendor.purge(timestamp);
        if (vendorsNext == Long.MAX_VALUE && invoicesNext == Long.MAX_VALUE) {
            cleanupTimer.clear();
            return;
        }
        long due = Math.min(
                vendorsNext == Long.MAX_VALUE ? Long.MAX_VALUE : EventTimes.ceilDay(vendorsNext),
                invoicesNext == Long.MAX_VALUE ? Long.MAX_VALUE : EventTimes.ceil(invoicesNext, interval()));
        due = Math.max(due, timestamp + EventTimes.DAY);
        timers.registerEventTimeTimer(due);
        cleanupTimer.update(due);
    }

    private long interval() {
        return Math.max(EventTimes.DAY, settings.cleanupIntervalMillis);
    }
}
