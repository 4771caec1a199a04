package io.invoicesieve.functions;

import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.bank.Accounts;
import io.invoicesieve.detect.crossvendor.CrossVendorDetector;
import io.invoicesieve.state.AccountProfile;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.detect.shared.SharedAccountDetector;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

/**
 * Warm start of {@link AccountSharing} (keyed like it, see {@link #key}): the vendors of each
 * (tenant, account) ({@link SharedAccountDetector}), its invoices for the cross-vendor match
 * ({@link CrossVendorDetector}) and their cleanup timer, through the same {@link AccountState} as
 * the running operator. Input must be first deliveries in event-time order per key (the
 * bootstrap command dedupes with the replay filter and runs in BATCH mode, which sorts keyed input
 * by key and timestamp). Invoices without an account leave no state, as in the job.
 */
public class AccountSharingBootstrap extends KeyedStateBootstrapFunction<String, Invoice> {

    private static final long serialVersionUID = 1L;

    private final DetectorSettings settings;
    private final long outOfOrdernessMillis;

    private transient AccountState account;

    public AccountSharingBootstrap(DetectorSettings settings, long outOfOrdernessMillis) {
        this.settings = settings;
        this.outOfOrdernessMillis = outOfOrdernessMillis;
    }

    /** {@link AccountSharing#key} of the decision this invoice would get. */
    public static String key(Invoice invoice) {
        return AccountSharing.key(invoice.tenantId, Accounts.normalize(invoice.remitAccount), invoice.invoiceId);
    }

    @Override
    public void open(OpenContext openContext) {
        account = new AccountState(getRuntimeContext(), settings);
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
        AccountProfile profile = account.profile();
        long pending;
        while ((pending = profile.cleanupTimer) != AccountProfile.NO_TIMER && pending <= timers.currentWatermark()) {
            timers.deleteEventTimeTimer(pending);
            account.cleanup(profile, pending, timers);
        }
        account.sharing.remember(profile, invoice.vendorId, time);
        if (settings.crossVendor) {
            account.crossVendor.remember(CrossVendorDetector.probe(invoice.vendorId, invoice.invoiceId,
                    invoice.invoiceNumber, Money.toMilli(invoice.amount), invoice.currency,
                    (int) invoice.invoiceDate.toEpochDay(), time), timers.currentWatermark());
        }
        account.scheduleCleanup(profile, timers, time);
        account.save(profile);
    }
}
