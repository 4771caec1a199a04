package io.invoicesieve.functions;

import io.invoicesieve.detect.bank.Accounts;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.duplicates.ContentDigest;
import io.invoicesieve.detect.duplicates.DuplicateDetector;
import io.invoicesieve.detect.duplicates.ReplayFilter;
import io.invoicesieve.detect.Money;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.state.SeenInvoice;
import io.invoicesieve.state.VendorProfile;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

/**
 * Warm start of {@link InvoiceScorer} (keyed by {@link InvoiceScorer#key}): for each historical
 * invoice, exactly the state updates the scorer makes around scoring (remember its id against
 * replays, index it, remember its amount and account, arm the cleanup timer), through {@link VendorHistory}, without scoring. Cleanup
 * timers that the running job's watermark would have fired before the invoice are fired here too,
 * so the savepoint is as bounded as the job's state would be; the last pending timer of each key
 * is written into the savepoint and fires in the job.
 *
 * <p>Input must be first deliveries in event-time order per key (see {@link AccountSharingBootstrap}).
 */
public class InvoiceScorerBootstrap extends KeyedStateBootstrapFunction<String, Invoice> {

    private static final long serialVersionUID = 1L;

    private final DetectorSettings settings;
    private final long outOfOrdernessMillis;

    private transient VendorHistory history;

    public InvoiceScorerBootstrap(DetectorSettings settings, long outOfOrdernessMillis) {
        this.settings = settings;
        this.outOfOrdernessMillis = outOfOrdernessMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        history = new VendorHistory(getRuntimeContext(), settings);
    }

    @Override
    public void processElement(Invoice invoice, Context ctx) throws Exception {
        long time = invoice.eventTimeMillis();
        BootstrapTimers timers =
                new BootstrapTimers(ctx.timerService(), BootstrapTimers.watermarkAt(time, outOfOrdernessMillis));
        Long pending;
        while ((pending = history.pendingCleanup()) != null && pending <= timers.currentWatermark()) {
            timers.deleteEventTimeTimer(pending);
            history.cleanup(pending, timers);
        }

        long digest = ContentDigest.of(invoice);
        if (history.replays.deliver(invoice.invoiceId, digest).kind != ReplayFilter.Kind.FIRST) {
            return;
        }
        VendorProfile profile = history.profile(invoice.invoiceId);
        if (!history.replays.first(invoice.invoiceId, digest, time)) {
            return;
        }
        long amountMilli = Money.toMilli(invoice.amount);
        SeenInvoice probe = DuplicateDetector.probe(
                invoice.invoiceId, invoice.invoiceNumber, amountMilli, invoice.currency,
                (int) invoice.invoiceDate.toEpochDay(), time);
        SeenInvoice[][] buckets = history.duplicates.candidates(probe);
        // as the scorer: a full credit note that is no duplicate reverses its invoice
        if (amountMilli < 0 && DuplicateDetector.find(probe, buckets, settings.lookbackMillis,
                settings.dateToleranceDays, settings.maxComparisons, settings.sameDateHabit).kind == null) {
            if (history.duplicates.reverse(probe, invoice.description) != null) {
                buckets = history.duplicates.candidates(probe);
            }
        }
        history.duplicates.add(probe, buckets, timers.currentWatermark());
        history.remember(profile, probe, time);
        history.amounts.remember(profile, invoice.currency, amountMilli, time);
        history.bank.remember(profile, Accounts.normalize(invoice.remitAccount), time);
        history.scheduleCleanup(timers, time, profile);
        history.save(profile);
    }
}
