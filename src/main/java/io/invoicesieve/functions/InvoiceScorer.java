package io.invoicesieve.functions;

import io.invoicesieve.control.Controls;
import io.invoicesieve.decide.Decider;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.Reasons;
import io.invoicesieve.detect.amounts.RobustStats;
import io.invoicesieve.detect.bank.Accounts;
import io.invoicesieve.detect.duplicates.ContentDigest;
import io.invoicesieve.detect.duplicates.DuplicateDetector;
import io.invoicesieve.detect.duplicates.ReplayFilter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.state.SeenInvoice;
import io.invoicesieve.state.VendorProfile;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * Keyed by (tenant_id, vendor_id): runs each first delivery of an invoice through the vendor's
 * detectors (duplicates, amounts, bank account, low confidence, lateness) and emits the drafted
 * decision with the reasons found; {@link AccountSharing} adds BANK_SHARED and decides. A
 * re-delivery with the same payment content yields nothing; one with other content yields a
 * CHANGED_REDELIVERY decision ({@link ReplayFilter}).
 *
 * <p>Invoices are scored on arrival, not buffered until the watermark: a decision costs no
 * out-of-orderness delay, and "the earlier one" of a duplicate pair is the one that arrived first,
 * which is also the one that gets paid first. Event time bounds what is remembered: see
 * {@link VendorHistory} for the state and its cleanup.
 */
public class InvoiceScorer extends KeyedProcessFunction<String, Invoice, Decision> implements Controlled.Stage {

    private static final long serialVersionUID = 1L;

    private final DetectorSettings settings;

    private transient VendorHistory history;
    /** The analysts' controls (Controlled sets the live ones; empty: rules only). */
    private transient Controls controls;

    private transient Counter replays;
    private transient Counter changedRedeliveries;
    private transient Counter indexEvictions;
    private transient Counter lateEvents;
    private transient Counter comparisonCapHits;
    private transient Counter habitualSameDate;
    private transient Counter reversals;
    private transient Histogram candidatesCompared;

    public InvoiceScorer(DetectorSettings settings) {
        this.settings = settings;
    }

    /**
     * The vendor's key, tenant U+001F vendor: the format of 0.1.0 (its keyed state is in the
     * savepoints), injective because a tenant id cannot contain U+001F (the parser allows only
     * [A-Za-z0-9._-]), so the first U+001F always ends the tenant.
     */
    public static String key(Invoice invoice) {
        return invoice.tenantId + '\u001f' + invoice.vendorId;
    }

    /** The analysts' controls this scorer consults (after open). */
    public void useControls(Controls controls) {
        this.controls = controls;
    }

    @Override
    public void open(OpenContext openContext) {
        history = new VendorHistory(getRuntimeContext(), settings);
        controls = new Controls();

        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        replays = metrics.counter("replaysSuppressed");
        changedRedeliveries = metrics.counter("changedRedeliveries");
        indexEvictions = metrics.counter("duplicateIndexEvictions");
        lateEvents = metrics.counter("lateEvents");
        comparisonCapHits = metrics.counter("duplicateComparisonCapHits");
        habitualSameDate = metrics.counter("duplicateSameDateHabitual");
        reversals = metrics.counter("reversalsApplied");
        candidatesCompared =
                metrics.histogram("duplicateCandidatesCompared", new DescriptiveStatisticsHistogram(1024));
    }

    @Override
    public void processElement(Invoice invoice, Context ctx, Collector<Decision> out) throws Exception {
        long time = invoice.eventTimeMillis();
        long digest = ContentDigest.of(invoice);
        ReplayFilter.Delivery delivery = history.replays.deliver(invoice.invoiceId, digest);
        if (delivery.kind == ReplayFilter.Kind.REPLAY) {
            replays.inc();
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        if (delivery.kind == ReplayFilter.Kind.CHANGED) {
            changedRedeliveries.inc();
            redelivered(invoice, digest, delivery, time, watermark, ctx, out);
            return;
        }
        VendorProfile profile = history.profile(invoice.invoiceId);
        if (!history.replays.first(invoice.invoiceId, digest, time)) {
            // the key was restored from 0.1.0, whose invoice-ids remembered this id without its content
            replays.inc();
            return;
        }
        long amountMilli = Money.toMilli(invoice.amount);
        List<Reason> found = new ArrayList<>(2);

        SeenInvoice probe = detectDuplicates(invoice, amountMilli, time, watermark, found);
        RobustStats stats = history.amounts.check(profile, invoice.currency, amountMilli, time, found);
        history.bank.check(profile, Accounts.normalize(invoice.remitAccount), amountMilli, stats, time, found);
        if (invoice.extractionConfidence != null
                && invoice.extractionConfidence < settings.lowConfidenceThreshold) {
            found.add(Reasons.lowConfidence(invoice.extractionConfidence, settings.lowConfidenceThreshold));
        }
        boolean late = watermark != Long.MIN_VALUE && time <= watermark;
        if (late) {
            lateEvents.inc();
            found.add(Reasons.late(watermark - time));
        }

        controls.afterDetectors(invoice, found);
        out.collect(Decider.draft(invoice, found, late, ctx.timerService().currentProcessingTime(),
                controls.modelVersion(settings.modelVersion), settings.jobVersion));
        history.remember(profile, probe, time);
        history.scheduleCleanup(ctx.timerService(), time, profile);
        history.save(profile);
    }

    /**
     * A re-delivery with other payment content: a decision of its own (HOLD, replacing the earlier one
     * downstream) with CHANGED_REDELIVERY and, if so, LATE_EVENT. The detectors neither check nor
     * remember it: its first delivery is in their state already, and remembering the changed copy
     * (a second index entry, a second amount sample, a new account) would let an unreviewed change
     * shape later decisions. The account-keyed stage still adds BANK_SHARED for its account.
     */
    private void redelivered(Invoice invoice, long digest, ReplayFilter.Delivery delivery, long time, long watermark,
            Context ctx, Collector<Decision> out) {
        List<Reason> found = new ArrayList<>(2);
        found.add(ReplayFilter.changedReason(invoice.invoiceId, digest, delivery));
        boolean late = watermark != Long.MIN_VALUE && time <= watermark;
        if (late) {
            lateEvents.inc();
            found.add(Reasons.late(watermark - time));
        }
        out.collect(Decider.draft(invoice, found, late, ctx.timerService().currentProcessingTime(),
                controls.modelVersion(settings.modelVersion), settings.jobVersion));
    }

    /** Checks the invoice against the vendor's duplicate index and indexes it; returns its probe. */
    private SeenInvoice detectDuplicates(Invoice invoice, long amountMilli, long time, long watermark,
            List<Reason> found) throws Exception {
        SeenInvoice probe = DuplicateDetector.probe(
                invoice.invoiceId, invoice.invoiceNumber, amountMilli, invoice.currency,
                (int) invoice.invoiceDate.toEpochDay(), time);
        SeenInvoice[][] buckets = history.duplicates.candidates(probe);
        DuplicateDetector.Result result = DuplicateDetector.find(probe, buckets, settings.lookbackMillis,
                settings.dateToleranceDays, settings.maxComparisons, settings.sameDateHabit);
        candidatesCompared.update(result.compared);
        if (result.capHit) {
            // visible on the decision, not only in the metric: the check is incomplete
            comparisonCapHits.inc();
            found.add(DuplicateDetector.capReason(result, settings.maxComparisons));
        }
        if (result.habitual) {
            habitualSameDate.inc();
        }
        // the rules' matches minus adjudicated pairs, or the pair model's (control/Controls)
        Reason duplicate = controls.duplicates(invoice.tenantId, invoice.vendorId, probe, buckets, result, settings);
        if (duplicate != null) {
            found.add(duplicate);
        } else if (result.kind == null && amountMilli < 0
                && history.duplicates.reverse(probe, invoice.description) != null) {
            // a credit note of the full amount, itself no duplicate: its invoice may be entered again
            reversals.inc();
            // the reversed invoice may have shared the credit note's number bucket
            buckets = history.duplicates.candidates(probe);
        }
        int evicted = history.duplicates.add(probe, buckets, watermark);
        if (evicted > 0) {
            indexEvictions.inc(evicted);
        }
        return probe;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out) throws Exception {
        history.cleanup(timestamp, ctx.timerService());
    }
}
