package io.invoicesieve.functions;

import io.invoicesieve.detect.Accounts;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.Descriptors;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

/**
 * Warm start of {@link AccountSharing} (keyed like it, see {@link #key}): the vendors of each
 * (tenant, account) with their cleanup timer, through the same {@code remember}/{@code expire} code
 * as the running operator. Input must be first deliveries in event-time order per key (the
 * bootstrap command dedupes with the replay filter and runs in BATCH mode, which sorts keyed input
 * by key and timestamp). Invoices without an account leave no state, as in the job.
 */
public class AccountSharingBootstrap extends KeyedStateBootstrapFunction<String, Invoice> {

    private static final long serialVersionUID = 1L;

    private final long retentionMillis;
    private final long outOfOrdernessMillis;

    private transient ValueState<AccountHistory[]> vendors;
    private transient ValueState<Long> cleanupTimer;

    public AccountSharingBootstrap(long retentionMillis, long outOfOrdernessMillis) {
        this.retentionMillis = retentionMillis;
        this.outOfOrdernessMillis = outOfOrdernessMillis;
    }

    /** {@link AccountSharing#key} of the decision this invoice would get. */
    public static String key(Invoice invoice) {
        return AccountSharing.key(invoice.tenantId, Accounts.normalize(invoice.remitAccount), invoice.invoiceId);
    }

    @Override
    public void open(OpenContext openContext) {
        vendors = getRuntimeContext().getState(Descriptors.accountVendors());
        cleanupTimer = getRuntimeContext().getState(Descriptors.cleanupTimer());
    }

    @Override
    public void processElement(Invoice invoice, Context ctx) throws Exception {
        if (Accounts.normalize(invoice.remitAccount) == null) {
            return;
        }
        long time = invoice.eventTimeMillis();
        BootstrapTimers timers =
                new BootstrapTimers(ctx.timerService(), BootstrapTimers.watermarkAt(time, outOfOrdernessMillis));
        // fire the cleanup timers the running job's watermark would have fired by now
        Long pending;
        while ((pending = cleanupTimer.value()) != null && pending <= timers.currentWatermark()) {
            timers.deleteEventTimeTimer(pending);
            AccountSharing.expire(vendors, cleanupTimer, timers, pending, retentionMillis);
        }
        AccountSharing.remember(vendors, cleanupTimer, timers, vendors.value(), invoice.vendorId, time, retentionMillis);
    }
}
