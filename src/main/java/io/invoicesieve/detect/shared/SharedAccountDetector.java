package io.invoicesieve.detect.shared;

import io.invoicesieve.detect.bank.Accounts;
import io.invoicesieve.detect.EventTimes;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.Descriptors;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;

import java.time.Instant;
import java.util.Locale;

/**
 * BANK_SHARED, keyed by (tenant_id, remit account): a second vendor asking to be paid to an
 * account another vendor of the tenant already uses (a duplicate vendor record, or a fraudster's
 * account). State {@code account-vendors}: the vendors of the account with first and last use,
 * each until {@code sieve.bank.retention} after its last use, purged by the key's daily event-time
 * {@code cleanup-timer}. Shared by the running operator and its warm start, so that a bootstrapped
 * savepoint holds exactly what the job would have built.
 */
public final class SharedAccountDetector {

    private final ValueState<AccountHistory[]> vendors;
    private final ValueState<Long> cleanupTimer;
    private final long retentionMillis;

    public SharedAccountDetector(RuntimeContext ctx, long retentionMillis) {
        this.vendors = ctx.getState(Descriptors.accountVendors());
        this.cleanupTimer = ctx.getState(Descriptors.cleanupTimer());
        this.retentionMillis = retentionMillis;
    }

    /**
     * The BANK_SHARED reason when other vendors already use the account (null otherwise); then
     * remembers this vendor's use and makes sure a cleanup timer is pending.
     */
    public Reason check(String accountKey, String vendorId, long time, TimerService timers) throws Exception {
        AccountHistory[] known = vendors.value();
        Reason found = null;
        if (known != null && Accounts.indexOf(known, vendorId) < 0) {
            String[] others = new String[known.length];
            long first = Long.MAX_VALUE;
            for (int i = 0; i < known.length; i++) {
                others[i] = known[i].id;
                first = Math.min(first, known[i].firstSeen);
            }
            found = reason(accountKey, others, first);
        }
        remember(known, vendorId, time, timers);
        return found;
    }

    /** The event time of the pending cleanup timer, or null. */
    public Long pendingCleanup() throws Exception {
        return cleanupTimer.value();
    }

    /** Remembers the vendor's use of the account without checking it (warm start). */
    public void remember(String vendorId, long time, TimerService timers) throws Exception {
        remember(vendors.value(), vendorId, time, timers);
    }

    private void remember(AccountHistory[] known, String vendorId, long time, TimerService timers) throws Exception {
        vendors.update(Accounts.touch(known, vendorId, time));
        if (cleanupTimer.value() == null) {
            long due = EventTimes.ceilDay(EventTimes.saturatedAdd(Math.max(time, timers.currentWatermark()), retentionMillis));
            timers.registerEventTimeTimer(due);
            cleanupTimer.update(due);
        }
    }

    /** The cleanup timer at {@code firedAt}: evicts vendors unused for the retention and re-arms. */
    public void expire(long firedAt, TimerService timers) throws Exception {
        // purge up to the watermark; at the end of a bounded input everything goes at once
        long timestamp = Math.max(firedAt, timers.currentWatermark());
        AccountHistory[] kept = timestamp == Long.MAX_VALUE ? null : Accounts.evict(vendors.value(), timestamp - retentionMillis);
        if (kept == null) {
            vendors.clear();
            cleanupTimer.clear();
            return;
        }
        vendors.update(kept);
        long next = Math.max(EventTimes.ceilDay(Accounts.minLastSeen(kept) + retentionMillis), timestamp + EventTimes.DAY);
        timers.registerEventTimeTimer(next);
        cleanupTimer.update(next);
    }

    static Reason reason(String account, String[] otherVendors, long firstSeen) {
        Evidence e = new Evidence();
        e.account = Accounts.mask(account);
        e.otherVendorIds = otherVendors;
        if (firstSeen > 0) {
            e.firstSeen = Instant.ofEpochMilli(firstSeen).toString();
        }
        String detail = String.format(Locale.ROOT,
                "Remit account %s is already used by vendor%s %s in this tenant",
                e.account, otherVendors.length > 1 ? "s" : "", String.join(", ", otherVendors));
        return new Reason(ReasonCode.BANK_SHARED, 0.7, detail, e);
    }
}
