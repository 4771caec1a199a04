package io.invoicesieve.functions;

import io.invoicesieve.control.Controls;
import io.invoicesieve.decide.Decider;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.crossvendor.CrossVendorDetector;
import io.invoicesieve.detect.shared.SharedAccountDetector;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The last stage before the sinks, keyed by (tenant_id, remit account): adds BANK_SHARED
 * ({@link SharedAccountDetector}) to the decision with which a second vendor shows up on the
 * account and a cross-vendor duplicate ({@link CrossVendorDetector}) to an invoice another vendor
 * id of the account already had, then decides ({@link Decider}: the one place that scores and decides). Decisions without an account are keyed by their own invoice id and pass through,
 * so they never form a hot key. It runs after the vendor-keyed scorer so that each vendor's
 * invoices arrive here in the order the scorer saw them.
 *
 * <p>Also counts the final decisions and reasons (metrics {@code decisions}, {@code reasons}).
 *
 * <p>Ordering: each vendor's decisions arrive in the scorer's order, but two vendors' decisions
 * come from different scorer subtasks, so of two entries of one invoice under two vendor ids
 * arriving within the network's buffering of each other, either may be the "original". The entries
 * of a vendor-master duplicate are usually days apart; the later one is flagged.
 *
 * <p>State: see {@link AccountState}.
 */
public class AccountSharing extends KeyedProcessFunction<String, Decision, Decision> implements Controlled.Stage {

    private static final long serialVersionUID = 1L;

    private final DetectorSettings settings;

    private transient AccountState account;
    /** The analysts' controls (Controlled sets the live ones; empty: configured thresholds). */
    private transient Controls controls;
    private transient Map<DecisionType, Counter> decisions;
    private transient Map<ReasonCode, Counter> reasons;
    // ---- ops: rules vs model mix, end-to-end lag (metrics decisionsByModel, decisionEventTimeLagMillis) ----
    private transient MetricGroup metrics;
    private transient Map<String, Counter> byModel;
    private transient Histogram eventTimeLag;
    private static final org.apache.logging.log4j.Logger LOG = org.apache.logging.log4j.LogManager.getLogger(AccountSharing.class);
    // ---- end ops ----

    public AccountSharing(DetectorSettings settings) {
        this.settings = settings;
    }

    public static String key(Decision decision) {
        return key(decision.tenantId, decision.remitAccountKey, decision.invoiceId);
    }

    /**
     * The key of an invoice with this normalized account (null: keyed by its own id, no state).
     * Injective: a tenant id holds no control character (the parser allows only [A-Za-z0-9._-]), so
     * the first control character ends the tenant and says which kind of key it is: U+001F an
     * account (the format of 0.1.0, whose keyed state the savepoints hold), U+001E an invoice
     * without one. Before, that key was tenant U+001F '#' invoice_id, which an account "#..."
     * could produce too; it holds no state and no timers, so changing it orphans nothing.
     */
    public static String key(String tenantId, String accountKey, String invoiceId) {
        return accountKey == null
                ? tenantId + '\u001e' + invoiceId
                : tenantId + '\u001f' + accountKey;
    }

    /** The analysts' controls this stage consults (after open). */
    public void useControls(Controls controls) {
        this.controls = controls;
    }

    @Override
    public void open(OpenContext openContext) {
        account = new AccountState(getRuntimeContext(), settings);
        controls = new Controls();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        decisions = new EnumMap<>(DecisionType.class);
        for (DecisionType type : DecisionType.values()) {
            decisions.put(type, metrics.addGroup("decision", type.name()).counter("decisions"));
        }
        reasons = new EnumMap<>(ReasonCode.class);
        for (ReasonCode code : ReasonCode.values()) {
            reasons.put(code, metrics.addGroup("reason", code.name()).counter("reasons"));
        }
        // ---- ops ----
        this.metrics = metrics;
        byModel = new HashMap<>();
        eventTimeLag = metrics.histogram("decisionEventTimeLagMillis",
                new org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram(1024));
        // ---- end ops ----
    }

    @Override
    public void processElement(Decision decision, Context ctx, Collector<Decision> out) throws Exception {
        if (decision.remitAccountKey != null) {
            long time = decision.eventTime.toEpochMilli();
            Reason shared = account.sharing.check(decision.remitAccountKey, decision.vendorId, time);
            if (shared != null) {
                Decider.addReason(decision, shared);
            }
            // a changed re-delivery was matched and indexed on its first delivery; its copy is not indexed
            if (settings.crossVendor && !has(decision, ReasonCode.CHANGED_REDELIVERY)) {
                Reason twin = account.crossVendor.check(probe(decision), !hasDuplicate(decision),
                        ctx.timerService().currentWatermark());
                if (twin != null) {
                    Decider.addReason(decision, twin);
                }
            }
            account.scheduleCleanup(ctx.timerService(), time);
        }
        controls.beforeDecide(decision);
        Decider.decide(decision, controls.thresholds(settings.thresholds));
        decisions.get(decision.decision).inc();
        // ---- ops: model_version is a handful of values (rules-1, a model's version); at most 16 ----
        String model = decision.modelVersion == null ? "none" : decision.modelVersion;
        byModel.computeIfAbsent(byModel.size() < 16 || byModel.containsKey(model) ? model : "other",
                m -> metrics.addGroup("model_version", m).counter("decisionsByModel")).inc();
        if (decision.eventTime != null) {
            eventTimeLag.update(Math.max(0, System.currentTimeMillis() - decision.eventTime.toEpochMilli()));
        }
        if (decision.decision == DecisionType.HOLD && LOG.isInfoEnabled()) {
            // a payment held: one log line, with the invoice's ids in the MDC (the JSON layout's fields)
            org.apache.logging.log4j.ThreadContext.put("tenant_id", decision.tenantId);
            org.apache.logging.log4j.ThreadContext.put("invoice_id", decision.invoiceId);
            org.apache.logging.log4j.ThreadContext.put("trace_id", decision.traceId);
            try {
                LOG.info("HOLD risk {} reasons {}", decision.riskScore,
                        java.util.Arrays.stream(decision.reasons).map(r -> r.code.name()).toList());
            } finally {
                org.apache.logging.log4j.ThreadContext.remove("tenant_id");
                org.apache.logging.log4j.ThreadContext.remove("invoice_id");
                org.apache.logging.log4j.ThreadContext.remove("trace_id");
            }
        }
        // ---- end ops ----
        for (Reason r : decision.reasons) {
            reasons.get(r.code).inc();
        }
        out.collect(decision);
    }

    static io.invoicesieve.state.AccountInvoice probe(Decision d) {
        return CrossVendorDetector.probe(d.vendorId, d.invoiceId, d.invoiceNumber, Money.toMilli(new BigDecimal(d.amount)),
                d.currency, (int) d.invoiceDate.toEpochDay(), d.eventTime.toEpochMilli());
    }

    private static boolean has(Decision d, ReasonCode code) {
        for (Reason r : d.reasons) {
            if (r.code == code) {
                return true;
            }
        }
        return false;
    }

    /** Whether the scorer already found the invoice to be a duplicate within its vendor. */
    private static boolean hasDuplicate(Decision d) {
        for (Reason r : d.reasons) {
            if (r.code == ReasonCode.DUPLICATE_EXACT || r.code == ReasonCode.DUPLICATE_SUSPECT) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out) throws Exception {
        account.cleanup(timestamp, ctx.timerService());
    }
}
