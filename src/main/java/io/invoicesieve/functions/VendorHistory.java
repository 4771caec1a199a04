package io.invoicesieve.functions;

import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.EventTimes;
import io.invoicesieve.detect.amounts.AmountDetector;
import io.invoicesieve.detect.bank.BankChangeDetector;
import io.invoicesieve.detect.duplicates.DuplicateIndex;
import io.invoicesieve.detect.duplicates.ExpiryIndex;
import io.invoicesieve.detect.duplicates.ReplayFilter;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.AmountHistory;
import io.invoicesieve.state.Descriptors;
import io.invoicesieve.state.SeenInvoice;
import io.invoicesieve.state.VendorProfile;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;

import java.util.Map;

/**
 * The keyed state of one (tenant, vendor): each detector's state, owned by the detector
 * ({@link ReplayFilter}, {@link DuplicateIndex}, {@link AmountDetector}, {@link BankChangeDetector}),
 * and the one cleanup timer of the key that purges them all. Shared by the scorer and by the State
 * Processor API bootstrap, so that a warm-started savepoint holds exactly what the running job would
 * have built from the same invoices.
 *
 * <p>{@code vendor-profile} ({@link VendorProfile}, since 0.2.0): the amount histories, the accounts
 * and the pending cleanup timer, read once and written once per first delivery
 * ({@link #profile()}, {@link #save}). A key restored from 0.1.0 still has them in three states
 * ({@code amount-history}, {@code vendor-accounts}, {@code cleanup-timer}); the first
 * {@link #profile()} of the key moves them into the profile and clears them (read old, write new:
 * no migration step; a key that never had them pays three empty reads once).
 *
 * <p>{@code expiry-index} ({@link ExpiryIndex}, since 0.2.0): the ids and duplicate-index keys of
 * each week's first deliveries, so that a purge reads what expired instead of the vendor's whole
 * history. A key whose entries predate it (restored from 0.1.0, or a profile of the first 0.2.0
 * format) is indexed on its first touch; a key without a profile checks once whether it holds
 * entries (two reads, once per new key). The same first touch moves a 0.1.0 key's {@code invoice-ids}
 * into {@code invoice-deliveries} ({@link ReplayFilter#moveLegacy}).
 *
 * <p>Cleanup timer: one event-time timer per key, at the first multiple of
 * {@code sieve.state.cleanup-interval} after the earliest expiry; it purges every detector's state up
 * to the watermark and re-arms, or clears the key when nothing is left. When the watermark reaches
 * {@code Long.MAX_VALUE} (end of a bounded input, stop-with-savepoint {@code --drain}) every timer
 * fires at once; those firings purge nothing (see {@link #cleanup}).
 */
public final class VendorHistory {

    private final DetectorSettings settings;
    public final ReplayFilter replays;
    public final DuplicateIndex duplicates;
    public final AmountDetector amounts;
    public final BankChangeDetector bank;
    public final ExpiryIndex expiry;
    private final ValueState<VendorProfile> profile;
    /** The 0.1.0 layout, read once per key to move it into {@link #profile}. */
    private final MapState<String, AmountHistory> legacyAmounts;
    private final ValueState<AccountHistory[]> legacyAccounts;
    private final ValueState<Long> legacyTimer;

    public VendorHistory(RuntimeContext ctx, DetectorSettings settings) {
        this.settings = settings;
        this.replays = new ReplayFilter(ctx);
        this.duplicates = new DuplicateIndex(ctx, settings);
        this.amounts = new AmountDetector(settings);
        this.bank = new BankChangeDetector(settings);
        this.expiry = new ExpiryIndex(ctx, settings);
        this.profile = ctx.getState(Descriptors.vendorProfile());
        this.legacyAmounts = ctx.getMapState(Descriptors.amountHistory());
        this.legacyAccounts = ctx.getState(Descriptors.vendorAccounts());
        this.legacyTimer = ctx.getState(Descriptors.cleanupTimer());
    }

    /**
     * The current key's profile (new and empty when it has none), moving a 0.1.0 layout into it and
     * indexing entries that predate the expiry index.
     *
     * @param delivered the id of the first delivery being processed ({@link ReplayFilter#deliver} said
     *     FIRST; the caller remembers it with {@link ReplayFilter#first} after this), or null
     */
    public VendorProfile profile(String delivered) throws Exception {
        VendorProfile p = profile.value();
        if (p != null && !p.unindexed) {
            return p;
        }
        if (p == null) {
            p = fromLegacy();
            // no profile: a new key, or one restored from 0.1.0 (whose ids are in invoice-ids, and
            // which may have no amounts, accounts or timer)
            p.unindexed |= replays.moveLegacy(delivered) > 0 || !duplicates.isEmpty();
        }
        if (p.unindexed) {
            expiry.build(p, replays, duplicates);
            p.unindexed = false;
            // written at once, so that a caller that only reads it loses nothing
            save(p);
        }
        return p;
    }

    /** {@link #profile(String)} outside of a first delivery (timers, inspection). */
    public VendorProfile profile() throws Exception {
        return profile(null);
    }

    /** Records a first delivery (its probe, whether or not indexed) in the expiry index. */
    public void remember(VendorProfile p, SeenInvoice probe, long time) throws Exception {
        if (probe.amountMilli == 0) {
            // zero amounts are not in the duplicate index (DuplicateIndex#add)
            expiry.record(p, time, probe.invoiceId, null, null);
        } else {
            expiry.record(p, time, probe.invoiceId, duplicates.numberKey(probe), duplicates.amountKey(probe));
        }
    }

    /** Writes the current key's profile back, or clears it when nothing is left in it. */
    public void save(VendorProfile p) throws Exception {
        if (p.isEmpty()) {
            profile.clear();
        } else {
            profile.update(p);
        }
    }

    /**
     * The key's 0.1.0 states moved into a new profile (unindexed, for the caller to index and
     * write), and cleared. A key without them: an empty profile.
     */
    private VendorProfile fromLegacy() throws Exception {
        VendorProfile p = new VendorProfile();
        boolean amounts = false;
        for (Map.Entry<String, AmountHistory> e : legacyAmounts.entries()) {
            amounts = true;
            p.putAmounts(e.getKey(), e.getValue());
        }
        p.accounts = legacyAccounts.value();
        Long timer = legacyTimer.value();
        if (timer != null) {
            p.cleanupTimer = timer;
        }
        if (p.isEmpty()) {
            return p;
        }
        p.unindexed = true;
        if (amounts) {
            legacyAmounts.clear();
        }
        if (p.accounts != null) {
            legacyAccounts.clear();
        }
        if (timer != null) {
            legacyTimer.clear();
        }
        return p;
    }

    /** The event time of the pending cleanup timer, or null when none is pending. */
    public Long pendingCleanup() throws Exception {
        long t = profile().cleanupTimer;
        return t == VendorProfile.NO_TIMER ? null : t;
    }

    /**
     * Makes sure a cleanup timer is pending no later than this invoice's earliest expiry; records
     * it in {@code p} (saved by the caller).
     */
    public void scheduleCleanup(TimerService timers, long time, VendorProfile p) {
        long from = Math.max(time, timers.currentWatermark());
        // ids and duplicate-index entries expire by week (ExpiryIndex), amounts and accounts by time
        long earliest = Math.min(expiry.earliestExpiry(from), EventTimes.saturatedAdd(from,
                Math.min(settings.amountWindowMillis, settings.bankRetentionMillis)));
        long due = EventTimes.ceil(earliest, interval());
        long pending = p.cleanupTimer;
        if (pending == VendorProfile.NO_TIMER || due < pending) {
            if (pending != VendorProfile.NO_TIMER) {
                timers.deleteEventTimeTimer(pending);
            }
            timers.registerEventTimeTimer(due);
            p.cleanupTimer = due;
        }
    }

    /**
     * Purges what expired by the timer's time (or the watermark) and re-arms, or leaves the key empty.
     * At the end of event time ({@link #isEndOfEventTime}) it purges nothing and does not re-arm.
     */
    public void cleanup(long firedAt, TimerService timers) throws Exception {
        long watermark = timers.currentWatermark();
        VendorProfile p = profile();
        if (isEndOfEventTime(watermark)) {
            // the history stays as it is: a bounded run discards it right after, and a savepoint
            // taken by stop-with-savepoint --drain keeps every vendor's history for the next
            // version. The timer itself has fired (a drained savepoint holds no event-time
            // timers), so forget it: the key's next invoice after a restore arms a new one.
            p.cleanupTimer = VendorProfile.NO_TIMER;
            save(p);
            return;
        }
        // purge up to the watermark, not just the timer's time: after a jump of the watermark one
        // purge does the work of many
        long timestamp = Math.max(firedAt, watermark);
        long next = Math.min(expiry.purge(p, timestamp, replays, duplicates),
                Math.min(amounts.purge(p, timestamp), bank.purge(p, timestamp)));
        if (next == Long.MAX_VALUE) {
            p.cleanupTimer = VendorProfile.NO_TIMER;
        } else {
            long due = Math.max(EventTimes.ceil(next, interval()), timestamp + interval());
            timers.registerEventTimeTimer(due);
            p.cleanupTimer = due;
        }
        save(p);
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
