package io.invoicesieve.functions;

import io.invoicesieve.detect.Accounts;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.Descriptors;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * Keyed by (tenant_id, remit account): remembers which vendors asked to be paid to the account and
 * marks the invoice with which a second vendor shows up on it (BANK_SHARED is decided downstream,
 * in the scorer, from {@link Invoice#sharedAccountVendors}). Invoices without an account are keyed
 * by their own id and pass straight through, so they never form a hot key.
 *
 * <p>State: the vendors of the account with first/last use, evicted {@code sieve.bank.retention}
 * after their last use by a daily event-time timer.
 */
public class AccountSharing extends KeyedProcessFunction<String, Invoice, Invoice> {

    private static final long serialVersionUID = 1L;

    private final long retentionMillis;

    private transient ValueState<AccountHistory[]> vendors;
    private transient ValueState<Long> cleanupTimer;

    public AccountSharing(long retentionMillis) {
        this.retentionMillis = retentionMillis;
    }

    public static String key(Invoice invoice) {
        String account = Accounts.normalize(invoice.remitAccount);
        return account == null
                ? invoice.tenantId + "\u001f#" + invoice.invoiceId
                : invoice.tenantId + '\u001f' + account;
    }

    @Override
    public void open(OpenContext openContext) {
        vendors = getRuntimeContext().getState(Descriptors.accountVendors());
        cleanupTimer = getRuntimeContext().getState(Descriptors.cleanupTimer());
    }

    @Override
    public void processElement(Invoice invoice, Context ctx, Collector<Invoice> out) throws Exception {
        if (Accounts.normalize(invoice.remitAccount) == null) {
            out.collect(invoice);
            return;
        }
        long time = invoice.eventTimeMillis();
        AccountHistory[] known = vendors.value();
        if (known != null && Accounts.indexOf(known, invoice.vendorId) < 0) {
            List<String> others = new ArrayList<>(known.length);
            long first = Long.MAX_VALUE;
            for (AccountHistory k : known) {
                others.add(k.id);
                first = Math.min(first, k.firstSeen);
            }
            invoice.sharedAccountVendors = others.toArray(new String[0]);
            invoice.sharedAccountFirstSeen = first;
        }
        remember(vendors, cleanupTimer, ctx.timerService(), known, invoice.vendorId, time, retentionMillis);
        out.collect(invoice);
    }

    /**
     * Records the vendor's use of the account and makes sure a cleanup timer is pending. Shared
     * with {@link AccountSharingBootstrap} so that a warm-started savepoint holds the same state.
     */
    static void remember(
            ValueState<AccountHistory[]> vendors, ValueState<Long> cleanupTimer, TimerService timers,
            AccountHistory[] known, String vendorId, long time, long retentionMillis) throws Exception {
        vendors.update(Accounts.touch(known, vendorId, time));
        long due = EventTimes.ceilDay(EventTimes.saturatedAdd(Math.max(time, timers.currentWatermark()), retentionMillis));
        Long pending = cleanupTimer.value();
        if (pending == null) {
            timers.registerEventTimeTimer(due);
            cleanupTimer.update(due);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Invoice> out) throws Exception {
        expire(vendors, cleanupTimer, ctx.timerService(), timestamp, retentionMillis);
    }

    /** The cleanup timer at {@code timestamp}: evicts vendors unused for the retention and re-arms. */
    static void expire(
            ValueState<AccountHistory[]> vendors, ValueState<Long> cleanupTimer, TimerService timers,
            long timestamp, long retentionMillis) throws Exception {
        AccountHistory[] kept = Accounts.evict(vendors.value(), timestamp - retentionMillis);
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
}
