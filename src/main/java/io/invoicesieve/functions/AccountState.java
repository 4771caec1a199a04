package io.invoicesieve.functions;

import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.EventTimes;
import io.invoicesieve.detect.crossvendor.CrossVendorDetector;
import io.invoicesieve.detect.shared.SharedAccountDetector;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.AccountProfile;
import io.invoicesieve.state.Descriptors;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;

/**
 * The keyed state of one (tenant, remit account): the account's vendors ({@link SharedAccountDetector})
 * and the key's pending cleanup timer as one value ({@link AccountProfile}, state
 * {@code account-profile}, read once and written once per decision: {@link #profile()},
 * {@link #save}), its recent invoices for the cross-vendor match ({@link CrossVendorDetector},
 * {@code account-invoices}), and the one cleanup timer of the key that purges both. Shared by
 * {@link AccountSharing} and its warm start, as {@link VendorHistory} is for the scorer.
 *
 * <p>Timer: at the earliest expiry, rounded up to the next midnight for the vendors (730 d
 * retention: rare) and to the next multiple of {@code sieve.state.cleanup-interval} for the invoices
 * (a purge visits all of the account's invoices; lookups respect the lookback anyway). At most one
 * timer per key; it re-arms, and clears the key when nothing is left; at the end of event time
 * (watermark {@code Long.MAX_VALUE}) it fires without purging.
 *
 * <p>A key restored from 0.1.0 has its vendors in {@code account-vendors} and its daily-rounded
 * vendor timer in {@code cleanup-timer}; the first {@link #profile()} of the key moves both into the
 * profile and clears them (read old, write new; a new key pays two empty reads once), and the first
 * invoice moves the timer earlier if the invoices expire first.
 */
public final class AccountState {

    private final DetectorSettings settings;
    public final SharedAccountDetector sharing;
    public final CrossVendorDetector crossVendor;
    private final ValueState<AccountProfile> profile;
    /** The 0.1.0 layout, read once per key to move it into {@link #profile}. */
    private final ValueState<AccountHistory[]> legacyVendors;
    private final ValueState<Long> legacyTimer;

    public AccountState(RuntimeContext ctx, DetectorSettings settings) {
        this.settings = settings;
        this.sharing = new SharedAccountDetector(ctx, settings.bankRetentionMillis);
        this.crossVendor = new CrossVendorDetector(
                ctx, settings.lookbackMillis, settings.dateToleranceDays, settings.crossVendorMaxBucket);
        this.profile = ctx.getState(Descriptors.accountProfile());
        this.legacyVendors = ctx.getState(Descriptors.accountVendors());
        this.legacyTimer = ctx.getState(Descriptors.cleanupTimer());
    }

    /** The current key's profile (new and empty when it has none), moving a 0.1.0 layout into it. */
    public AccountProfile profile() throws Exception {
        AccountProfile p = profile.value();
        if (p != null) {
            return p;
        }
        p = new AccountProfile();
        p.vendors = legacyVendors.value();
        Long timer = legacyTimer.value();
        if (p.vendors != null) {
            legacyVendors.clear();
        }
        if (timer != null) {
            p.cleanupTimer = timer;
            legacyTimer.clear();
        }
        if (!p.isEmpty()) {
            // written at once, so that a caller that only reads it loses nothing
            save(p);
        }
        return p;
    }

    /** Writes the current key's profile back, or clears it when nothing is left in it. */
    public void save(AccountProfile p) throws Exception {
        if (p.isEmpty()) {
            profile.clear();
        } else {
            profile.update(p);
        }
    }

    /**
     * Makes sure a cleanup timer is pending no later than what this invoice added expires; records it
     * in {@code p} (saved by the caller).
     */
    public void scheduleCleanup(AccountProfile p, TimerService timers, long time) {
        long base = Math.max(time, timers.currentWatermark());
        long due = EventTimes.ceilDay(EventTimes.saturatedAdd(base, settings.bankRetentionMillis));
        if (settings.crossVendor) {
            due = Math.min(due, EventTimes.ceil(EventTimes.saturatedAdd(base, settings.lookbackMillis), interval()));
        }
        long pending = p.cleanupTimer;
        if (pending == AccountProfile.NO_TIMER || due < pending) {
            if (pending != AccountProfile.NO_TIMER) {
                timers.deleteEventTimeTimer(pending);
            }
            timers.registerEventTimeTimer(due);
            p.cleanupTimer = due;
        }
    }

    /**
     * The cleanup timer at {@code firedAt}: purges both states up to the watermark and re-arms, recorded
     * in {@code p} (saved by the caller). At the end of event time it purges nothing and does not
     * re-arm, as {@link VendorHistory#cleanup}.
     */
    public void cleanup(AccountProfile p, long firedAt, TimerService timers) throws Exception {
        long watermark = timers.currentWatermark();
        if (VendorHistory.isEndOfEventTime(watermark)) {
            // keep the account's vendors and invoices (bounded run: discarded anyway; drained
            // savepoint: kept for the next version); the fired timer is gone, so forget it
            p.cleanupTimer = AccountProfile.NO_TIMER;
            return;
        }
        // purge up to the watermark, not just the timer's time
        long timestamp = Math.max(firedAt, watermark);
        long vendorsNext = sharing.purge(p, timestamp);
        long invoicesNext = crossVendor.purge(timestamp);
        if (vendorsNext == Long.MAX_VALUE && invoicesNext == Long.MAX_VALUE) {
            p.cleanupTimer = AccountProfile.NO_TIMER;
            return;
        }
        long due = Math.min(
                vendorsNext == Long.MAX_VALUE ? Long.MAX_VALUE : EventTimes.ceilDay(vendorsNext),
                invoicesNext == Long.MAX_VALUE ? Long.MAX_VALUE : EventTimes.ceil(invoicesNext, interval()));
        due = Math.max(due, timestamp + EventTimes.DAY);
        timers.registerEventTimeTimer(due);
        p.cleanupTimer = due;
    }

    private long interval() {
        return Math.max(EventTimes.DAY, settings.cleanupIntervalMillis);
    }
}
