package io.invoicesieve.functions;

import io.invoicesieve.detect.Accounts;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.DuplicateDetector;
import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.Reasons;
import io.invoicesieve.detect.RiskScorer;
import io.invoicesieve.detect.RobustStats;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.AmountHistory;
import io.invoicesieve.state.SeenInvoice;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Keyed by (tenant_id, vendor_id): scores each invoice against the vendor's history and emits its
 * one decision.
 *
 * <p>Invoices are scored on arrival, not buffered until the watermark: a decision costs no
 * out-of-orderness delay, and "the earlier one" of a duplicate pair is the one that arrived first,
 * which is also the one that gets paid first. Event time bounds what is remembered: see
 * {@link VendorHistory} for the state and its cleanup.
 */
public class InvoiceScorer extends KeyedProcessFunction<String, Invoice, Decision> {

    private static final long serialVersionUID = 1L;

    private final DetectorSettings settings;

    private transient VendorHistory history;

    private transient Counter replays;
    private transient Counter lateEvents;
    private transient Counter comparisonCapHits;
    private transient Histogram candidatesCompared;

    public InvoiceScorer(DetectorSettings settings) {
        this.settings = settings;
    }

    public static String key(Invoice invoice) {
        return invoice.tenantId + '\u001f' + invoice.vendorId;
    }

    @Override
    public void open(OpenContext openContext) {
        history = new VendorHistory(getRuntimeContext(), settings);

        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        replays = metrics.counter("replaysSuppressed");
        lateEvents = metrics.counter("lateEvents");
        comparisonCapHits = metrics.counter("duplicateComparisonCapHits");
        candidatesCompared =
                metrics.histogram("duplicateCandidatesCompared", new DescriptiveStatisticsHistogram(1024));
    }

    @Override
    public void processElement(Invoice invoice, Context ctx, Collector<Decision> out) throws Exception {
        long time = invoice.eventTimeMillis();
        if (!history.firstDelivery(invoice.invoiceId, time)) {
            replays.inc();
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        long amountMilli = Money.toMilli(invoice.amount);
        List<Reason> found = new ArrayList<>(2);

        detectDuplicates(invoice, amountMilli, time, watermark, found);
        RobustStats stats = detectAmountAnomaly(invoice, amountMilli, time, found);
        detectBankChange(invoice, amountMilli, stats, time, found);
        if (invoice.extractionConfidence != null
                && invoice.extractionConfidence < settings.lowConfidenceThreshold) {
            found.add(Reasons.lowConfidence(invoice.extractionConfidence, settings.lowConfidenceThreshold));
        }
        boolean late = watermark != Long.MIN_VALUE && time <= watermark;
        if (late) {
            lateEvents.inc();
            found.add(Reasons.late(watermark - time));
        }

        out.collect(decide(invoice, found, late, ctx.timerService().currentProcessingTime()));
        history.scheduleCleanup(ctx.timerService(), time);
    }

    private void detectDuplicates(Invoice invoice, long amountMilli, long time, long watermark, List<Reason> found)
            throws Exception {
        SeenInvoice probe = DuplicateDetector.probe(
                invoice.invoiceId, invoice.invoiceNumber, amountMilli, invoice.currency,
                (int) invoice.invoiceDate.toEpochDay(), time);
        SeenInvoice[][] buckets = history.candidates(probe);
        DuplicateDetector.Result result = DuplicateDetector.find(
                probe, buckets, settings.lookbackMillis, settings.dateToleranceDays, settings.maxComparisons);
        candidatesCompared.update(result.compared);
        if (result.capHit) {
            comparisonCapHits.inc();
        }
        if (result.kind != null) {
            found.add(Reasons.duplicate(probe, result));
        }
        history.index(probe, buckets, watermark);
    }

    private RobustStats detectAmountAnomaly(Invoice invoice, long amountMilli, long time, List<Reason> found)
            throws Exception {
        AmountHistory amounts = history.amounts(invoice.currency);
        RobustStats stats = RobustStats.of(amounts);
        if (amountMilli > 0 && stats.size >= settings.amountMinHistory) {
            double logAmount = Math.log(amountMilli / 1000.0);
            double spread = stats.spread();
            double z = stats.robustZ(logAmount);
            double ratio = Math.exp(logAmount - stats.median);
            if (Math.abs(z) >= settings.amountZThreshold
                    && (ratio >= settings.amountMinRatio || ratio <= 1.0 / settings.amountMinRatio)) {
                found.add(Reasons.amountAnomaly(z, ratio, stats, spread, amountMilli, invoice.currency,
                        settings.amountZThreshold));
            }
        }
        history.rememberAmount(invoice.currency, amounts, amountMilli, time);
        return stats;
    }

    private void detectBankChange(Invoice invoice, long amountMilli, RobustStats stats, long time, List<Reason> found)
            throws Exception {
        String account = Accounts.normalize(invoice.remitAccount);
        if (account == null) {
            return;
        }
        AccountHistory[] known = history.accounts();
        if (Accounts.indexOf(known, account) < 0 && known != null) {
            int withAccount = 0;
            for (AccountHistory k : known) {
                withAccount += k.count;
            }
            if (withAccount >= settings.bankMinHistory) {
                double ratio = stats.size >= 3 && amountMilli > 0
                        ? Math.exp(Math.log(amountMilli / 1000.0) - stats.median)
                        : Double.NaN;
                boolean high = ratio >= 2.0;
                found.add(Reasons.bankChange(account, known, withAccount, ratio, high));
            }
        }
        history.rememberAccount(known, account, time);
    }

    private Decision decide(Invoice invoice, List<Reason> found, boolean late, long now) {
        Decision d = new Decision();
        d.tenantId = invoice.tenantId;
        d.invoiceId = invoice.invoiceId;
        d.vendorId = invoice.vendorId;
        d.invoiceNumber = invoice.invoiceNumber;
        d.invoiceDate = invoice.invoiceDate;
        d.amount = Money.plain(invoice.amount);
        d.currency = invoice.currency;
        d.eventTime = invoice.eventTime;
        d.reasons = found.toArray(new Reason[0]);
        d.riskScore = RiskScorer.combine(d.reasons);
        d.decision = settings.thresholds.decide(invoice.tenantId, d.riskScore);
        d.matchedInvoiceIds = new String[0];
        for (Reason r : d.reasons) {
            if (r.evidence != null && r.evidence.matchedInvoiceIds != null) {
                d.matchedInvoiceIds = r.evidence.matchedInvoiceIds;
            }
        }
        d.traceId = invoice.traceId;
        d.decidedAt = Instant.ofEpochMilli(now);
        d.modelVersion = settings.modelVersion;
        d.jobVersion = settings.jobVersion;
        d.description = invoice.description;
        d.remitAccountKey = Accounts.normalize(invoice.remitAccount);
        d.remitAccount = d.remitAccountKey == null ? null : Accounts.mask(d.remitAccountKey);
        d.source = invoice.source;
        d.late = late;
        return d;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out) throws Exception {
        history.cleanup(timestamp, ctx.timerService());
    }
}
