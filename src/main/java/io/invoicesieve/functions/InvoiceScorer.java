package io.invoicesieve.functions;

import io.invoicesieve.detect.Accounts;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.DuplicateDetector;
import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.Reasons;
import io.invoicesieve.detect.RiskScorer;
import io.invoicesieve.detect.RobustStats;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.AmountHistory;
import io.invoicesieve.state.Descriptors;
import io.invoicesieve.state.SeenInvoice;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Keyed by (tenant_id, vendor_id): scores each invoice against the vendor's history and emits its
 * one decision.
 *
 * <p>Invoices are scored on arrival, not buffered until the watermark: a decision costs no
 * out-of-orderness delay, and "the earlier one" of a duplicate pair is the one that arrived first,
 * which is also the one that gets paid first. Event time bounds what is remembered:
 *
 * <ul>
 *   <li>{@code duplicate-index}: blocking key -> the invoices under it, for
 *       {@code sieve.duplicates.lookback};
 *   <li>{@code amount-history}: currency -> recent log-amounts, for {@code sieve.amount.window};
 *   <li>{@code vendor-accounts}: the vendor's remit accounts, until {@code sieve.bank.retention}
 *       after their last use;
 *   <li>{@code cleanup-timer}: one event-time timer per key, at the next midnight after the
 *       earliest expiry; it purges all three and re-arms, or clears the key when nothing is left.
 * </ul>
 */
public class InvoiceScorer extends KeyedProcessFunction<String, Invoice, Decision> {

    private static final long serialVersionUID = 1L;

    private final DetectorSettings settings;

    private transient MapState<String, SeenInvoice[]> duplicateIndex;
    private transient MapState<String, AmountHistory> amountHistory;
    private transient ValueState<AccountHistory[]> vendorAccounts;
    private transient ValueState<Long> cleanupTimer;

    private transient Map<DecisionType, Counter> decisions;
    private transient Map<ReasonCode, Counter> reasons;
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
        duplicateIndex = getRuntimeContext().getMapState(Descriptors.duplicateIndex());
        amountHistory = getRuntimeContext().getMapState(Descriptors.amountHistory());
        vendorAccounts = getRuntimeContext().getState(Descriptors.vendorAccounts());
        cleanupTimer = getRuntimeContext().getState(Descriptors.cleanupTimer());

        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        decisions = new EnumMap<>(DecisionType.class);
        for (DecisionType type : DecisionType.values()) {
            decisions.put(type, metrics.addGroup("decision", type.name()).counter("decisions"));
        }
        reasons = new EnumMap<>(ReasonCode.class);
        for (ReasonCode code : ReasonCode.values()) {
            reasons.put(code, metrics.addGroup("reason", code.name()).counter("reasons"));
        }
        lateEvents = metrics.counter("lateEvents");
        comparisonCapHits = metrics.counter("duplicateComparisonCapHits");
        candidatesCompared =
                metrics.histogram("duplicateCandidatesCompared", new DescriptiveStatisticsHistogram(1024));
    }

    @Override
    public void processElement(Invoice invoice, Context ctx, Collector<Decision> out) throws Exception {
        long time = invoice.eventTimeMillis();
        long watermark = ctx.timerService().currentWatermark();
        long amountMilli = Money.toMilli(invoice.amount);
        List<Reason> found = new ArrayList<>(2);

        detectDuplicates(invoice, amountMilli, time, watermark, found);
        RobustStats stats = detectAmountAnomaly(invoice, amountMilli, time, found);
        detectBankChange(invoice, amountMilli, stats, time, found);
        if (invoice.sharedAccountVendors != null) {
            found.add(Reasons.bankShared(
                    Accounts.normalize(invoice.remitAccount), invoice.sharedAccountVendors, invoice.sharedAccountFirstSeen));
        }
        if (invoice.extractionConfidence != null
                && invoice.extractionConfidence < settings.lowConfidenceThreshold) {
            found.add(Reasons.lowConfidence(invoice.extractionConfidence, settings.lowConfidenceThreshold));
        }
        boolean late = watermark != Long.MIN_VALUE && time <= watermark;
        if (late) {
            lateEvents.inc();
            found.add(Reasons.late(watermark - time));
        }

        Decision decision = decide(invoice, found, late, ctx.timerService().currentProcessingTime());
        decisions.get(decision.decision).inc();
        for (Reason r : decision.reasons) {
            reasons.get(r.code).inc();
        }
        out.collect(decision);
        scheduleCleanup(ctx, time, watermark);
    }

    private void detectDuplicates(Invoice invoice, long amountMilli, long time, long watermark, List<Reason> found)
            throws Exception {
        SeenInvoice probe = DuplicateDetector.probe(
                invoice.invoiceId, invoice.invoiceNumber, amountMilli, invoice.currency,
                (int) invoice.invoiceDate.toEpochDay(), time);
        String numberKey = DuplicateDetector.numberKey(probe.normalizedNumber);
        String amountKey = DuplicateDetector.amountKey(invoice.currency, amountMilli);
        SeenInvoice[] byNumber = duplicateIndex.get(numberKey);
        SeenInvoice[] byAmount = duplicateIndex.get(amountKey);
        DuplicateDetector.Result result = DuplicateDetector.find(
                probe, new SeenInvoice[][] {byNumber, byAmount},
                settings.lookbackMillis, settings.dateToleranceDays, settings.maxComparisons);
        candidatesCompared.update(result.compared);
        if (result.capHit) {
            comparisonCapHits.inc();
        }
        if (result.kind != null) {
            found.add(Reasons.duplicate(probe, result));
        }
        if (amountMilli > 0) {
            long minTime = watermark == Long.MIN_VALUE ? Long.MIN_VALUE : watermark - settings.lookbackMillis;
            // bound a bucket at a few caps' worth: a vendor billing one amount daily fills it slowly
            int maxBucket = 4 * settings.maxComparisons;
            duplicateIndex.put(numberKey, append(byNumber, probe, minTime, maxBucket));
            duplicateIndex.put(amountKey, append(byAmount, probe, minTime, maxBucket));
        }
    }

    private RobustStats detectAmountAnomaly(Invoice invoice, long amountMilli, long time, List<Reason> found)
            throws Exception {
        AmountHistory history = amountHistory.get(invoice.currency);
        RobustStats stats = RobustStats.of(history);
        if (amountMilli <= 0) {
            return stats;
        }
        double logAmount = Math.log(amountMilli / 1000.0);
        if (stats.size >= settings.amountMinHistory) {
            // a MAD floor of log(1.15): a vendor billing the same amount every month still has a
            // spread, so a 10% change is not an infinite z
            double spread = Math.max(stats.mad, 0.1398);
            double z = 0.6745 * (logAmount - stats.median) / spread;
            double ratio = Math.exp(logAmount - stats.median);
            if (Math.abs(z) >= settings.amountZThreshold
                    && (ratio >= settings.amountMinRatio || ratio <= 1.0 / settings.amountMinRatio)) {
                found.add(Reasons.amountAnomaly(z, ratio, stats, spread, amountMilli, invoice.currency,
                        settings.amountZThreshold));
            }
        }
        if (history == null) {
            history = AmountHistory.withCapacity(settings.amountMaxSamples);
        }
        history.add(logAmount, (int) Math.floorDiv(time, EventTimes.DAY));
        amountHistory.put(invoice.currency, history);
        return stats;
    }

    private void detectBankChange(Invoice invoice, long amountMilli, RobustStats stats, long time, List<Reason> found)
            throws Exception {
        String account = Accounts.normalize(invoice.remitAccount);
        if (account == null) {
            return;
        }
        AccountHistory[] known = vendorAccounts.value();
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
        vendorAccounts.update(Accounts.touch(known, account, time));
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
        d.remitAccount = invoice.remitAccount == null ? null : Accounts.mask(Accounts.normalize(invoice.remitAccount));
        d.source = invoice.source;
        d.late = late;
        return d;
    }

    private static SeenInvoice[] append(SeenInvoice[] bucket, SeenInvoice probe, long minTime, int maxSize) {
        if (bucket == null) {
            return new SeenInvoice[] {probe};
        }
        int kept = 0;
        for (SeenInvoice s : bucket) {
            if (s.eventTime >= minTime) {
                kept++;
            }
        }
        int skip = Math.max(0, kept + 1 - maxSize);
        SeenInvoice[] out = new SeenInvoice[kept + 1 - skip];
        int j = 0;
        for (SeenInvoice s : bucket) {
            if (s.eventTime >= minTime) {
                if (skip > 0) {
                    skip--;
                    continue;
                }
                out[j++] = s;
            }
        }
        out[j] = probe;
        return out;
    }

    // ------------------------------------------------------------------ cleanup

    private long shortestRetention() {
        return Math.min(settings.lookbackMillis, Math.min(settings.amountWindowMillis, settings.bankRetentionMillis));
    }

    private void scheduleCleanup(Context ctx, long time, long watermark) throws Exception {
        long due = EventTimes.ceilDay(EventTimes.saturatedAdd(Math.max(time, watermark), shortestRetention()));
        Long pending = cleanupTimer.value();
        if (pending == null || due < pending) {
            if (pending != null) {
                ctx.timerService().deleteEventTimeTimer(pending);
            }
            ctx.timerService().registerEventTimeTimer(due);
            cleanupTimer.update(due);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out) throws Exception {
        long next = Long.MAX_VALUE;

        long minIndexed = timestamp - settings.lookbackMillis;
        Iterator<Map.Entry<String, SeenInvoice[]>> entries = duplicateIndex.iterator();
        List<String> emptied = new ArrayList<>();
        List<Map.Entry<String, SeenInvoice[]>> shrunk = new ArrayList<>();
        while (entries.hasNext()) {
            Map.Entry<String, SeenInvoice[]> entry = entries.next();
            SeenInvoice[] bucket = entry.getValue();
            int kept = 0;
            long oldest = Long.MAX_VALUE;
            for (SeenInvoice s : bucket) {
                if (s.eventTime >= minIndexed) {
                    kept++;
                    oldest = Math.min(oldest, s.eventTime);
                }
            }
            if (kept == 0) {
                emptied.add(entry.getKey());
            } else {
                if (kept < bucket.length) {
                    SeenInvoice[] out2 = new SeenInvoice[kept];
                    int j = 0;
                    for (SeenInvoice s : bucket) {
                        if (s.eventTime >= minIndexed) {
                            out2[j++] = s;
                        }
                    }
                    shrunk.add(Map.entry(entry.getKey(), out2));
                }
                next = Math.min(next, oldest + settings.lookbackMillis);
            }
        }
        for (String key : emptied) {
            duplicateIndex.remove(key);
        }
        for (Map.Entry<String, SeenInvoice[]> e : shrunk) {
            duplicateIndex.put(e.getKey(), e.getValue());
        }

        int minDay = (int) Math.floorDiv(timestamp - settings.amountWindowMillis, EventTimes.DAY);
        List<String> currencies = new ArrayList<>();
        for (String currency : amountHistory.keys()) {
            currencies.add(currency);
        }
        for (String currency : currencies) {
            AmountHistory history = amountHistory.get(currency);
            if (history.evictBefore(minDay)) {
                amountHistory.put(currency, history);
                next = Math.min(next, history.oldestDay() * EventTimes.DAY + settings.amountWindowMillis);
            } else {
                amountHistory.remove(currency);
            }
        }

        AccountHistory[] accounts = Accounts.evict(vendorAccounts.value(), timestamp - settings.bankRetentionMillis);
        if (accounts == null) {
            vendorAccounts.clear();
        } else {
            vendorAccounts.update(accounts);
            next = Math.min(next, Accounts.minLastSeen(accounts) + settings.bankRetentionMillis);
        }

        if (next == Long.MAX_VALUE) {
            cleanupTimer.clear();
        } else {
            long due = Math.max(EventTimes.ceilDay(next), timestamp + EventTimes.DAY);
            ctx.timerService().registerEventTimeTimer(due);
            cleanupTimer.update(due);
        }
    }
}
