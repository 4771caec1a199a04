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
import io.invoicesieve.state.AccountProfile;
import io.invoicesieve.state.Descriptors;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
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
 * <p>Ordering (order-hold): each vendor's decisions arrive in the scorer's order, but two vendors'
 * decisions come from different scorer subtasks, and in a replay, backfill or catch-up one subtask
 * can run days of event time ahead of the other, so the later entry of a vendor-master duplicate
 * could arrive first and the original be flagged. At an account another vendor id already uses, a
 * decision more than {@code sieve.duplicates.cross-vendor.order-hold} behind the clock therefore
 * waits in {@code held-decisions} until the watermark passes its event time (an event-time timer at
 * that time), and so does every later decision of the account while one waits; they are then
 * matched across vendors in event-time order (BANK_SHARED is checked on arrival, as before). Live
 * decisions (within the hold of the clock) go at once: their subtasks are milliseconds apart, the
 * entries hours to weeks. In a streaming job a held decision
 * waits at most the hold in processing time (a processing-time timer: the watermark stalls when all
 * input is idle); a bounded input's end releases every held decision. Not ordered: the first
 * decision on an account that makes it shared, if it is the later entry (the original was the other
 * vendor's first invoice there). Metrics {@code decisionsHeldForOrder},
 * {@code heldDecisionsReleasedByTimeout}.
 *
 * <p>State: see {@link AccountState}.
 */
public class AccountSharing extends KeyedProcessFunction<String, Decision, Decision> implements Controlled.Stage {

    private static final long serialVersionUID = 1L;

    private final DetectorSettings settings;

    private transient AccountState account;
    /** Decisions waiting for the watermark (order-hold), by event time. */
    private transient MapState<Long, Decision[]> held;
    private transient Counter heldForOrder;
    private transient Counter releasedByTimeout;
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

    /** Whether the input is bounded (local, backfill): the hold then has no processing-time bound. */
    private final boolean boundedInput;

    /** The stage of a streaming job. */
    public AccountSharing(DetectorSettings settings) {
        this(settings, false);
    }

    public AccountSharing(DetectorSettings settings, boolean boundedInput) {
        this.settings = settings;
        this.boundedInput = boundedInput;
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
        held = getRuntimeContext().getMapState(Descriptors.heldDecisions());
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
        heldForOrder = metrics.counter("decisionsHeldForOrder");
        releasedByTimeout = metrics.counter("heldDecisionsReleasedByTimeout");
        // ---- ops ----
        this.metrics = metrics;
        byModel = new HashMap<>();
        eventTimeLag = metrics.histogram("decisionEventTimeLagMillis",
                new org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram(1024));
        // ---- end ops ----
    }

    @Override
    public void processElement(Decision decision, Context ctx, Collector<Decision> out) throws Exception {
        TimerService timers = ctx.timerService();
        if (decision.remitAccountKey != null) {
            long time = decision.eventTime.toEpochMilli();
            AccountProfile profile = account.profile();
            boolean others = SharedAccountDetector.othersUse(profile, decision.vendorId);
            Reason shared = account.sharing.check(profile, decision.remitAccountKey, decision.vendorId, time);
            if (shared != null) {
                Decider.addReason(decision, shared);
            }
            if (others && holds(time, timers)) {
                account.save(profile);
                hold(decision, time, timers);
                return;
            }
            matchAcrossVendors(decision, others, timers.currentWatermark(), timers, profile);
            account.save(profile);
        }
        decide(decision, out);
    }

    /**
     * Whether a decision at an account another vendor id uses waits for the watermark (order-hold,
     * see the class comment): it is ahead of the watermark, and it is a replay (event time more than
     * the hold behind the clock) or an earlier decision of the account waits.
     */
    private boolean holds(long time, TimerService timers) throws Exception {
        return settings.crossVendor
                && settings.crossVendorOrderHoldMillis > 0
                && time > timers.currentWatermark()
                && (timers.currentProcessingTime() - time > settings.crossVendorOrderHoldMillis || !held.isEmpty());
    }

    private void hold(Decision decision, long time, TimerService timers) throws Exception {
        held.put(time, append(held.get(time), decision));
        timers.registerEventTimeTimer(time);
        if (!boundedInput) {
            // at most the hold in processing time (the watermark stalls when all input is idle), in
            // whole seconds so that a burst shares one timer
            long due = timers.currentProcessingTime() + settings.crossVendorOrderHoldMillis;
            timers.registerProcessingTimeTimer(due - Math.floorMod(due, 1000L) + 1000L);
        }
        heldForOrder.inc();
    }

    private static Decision[] append(Decision[] waiting, Decision decision) {
        if (waiting == null) {
            return new Decision[] {decision};
        }
        Decision[] out = java.util.Arrays.copyOf(waiting, waiting.length + 1);
        out[waiting.length] = decision;
        return out;
    }

    /**
     * The cross-vendor match of a decision with an account ({@code others}: another vendor id uses
     * the account), against the account's invoices as of {@code watermark} (the event time the stage
     * is at), then the key's cleanup timer (none at the end of event time), recorded in {@code profile}
     * (saved by the caller).
     */
    private void matchAcrossVendors(Decision decision, boolean others, long watermark, TimerService timers,
            AccountProfile profile) throws Exception {
        long time = decision.eventTime.toEpochMilli();
        // a changed re-delivery was matched and indexed on its first delivery; its copy is not indexed
        if (settings.crossVendor && !has(decision, ReasonCode.CHANGED_REDELIVERY)) {
            // an account only this vendor has used holds only its invoices: nothing to search
            Reason twin = account.crossVendor.check(probe(decision), others && !hasDuplicate(decision),
                    Math.min(watermark, time));
            if (twin != null) {
                Decider.addReason(decision, twin);
            }
        }
        if (!VendorHistory.isEndOfEventTime(watermark)) {
            account.scheduleCleanup(profile, timers, time);
        }
    }

    private void decide(Decision decision, Collector<Decision> out) {
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
        TimerService timers = ctx.timerService();
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            releaseAll(timers, out);
            return;
        }
        AccountProfile profile = account.profile();
        Decision[] due = held.get(timestamp);
        if (due != null) {
            held.remove(timestamp);
            release(due, timers, out, profile);
        }
        if (profile.cleanupTimer == timestamp) {
            account.cleanup(profile, timestamp, timers);
        }
        account.save(profile);
    }

    /**
     * The held decisions of one event time, in arrival order: matched across the account's vendors
     * (held only at an account another vendor id uses) and decided.
     */
    private void release(Decision[] due, TimerService timers, Collector<Decision> out, AccountProfile profile)
            throws Exception {
        long watermark = timers.currentWatermark();
        for (Decision decision : due) {
            matchAcrossVendors(decision, true, watermark, timers, profile);
            decide(decision, out);
        }
    }

    /**
     * The hold's processing-time bound: the watermark has not passed what waits (all input idle, or
     * a partition far behind), so the account's held decisions go now, in event-time order.
     */
    private void releaseAll(TimerService timers, Collector<Decision> out) throws Exception {
        List<Long> times = new ArrayList<>();
        for (Long time : held.keys()) {
            times.add(time);
        }
        if (times.isEmpty()) {
            return;
        }
        Collections.sort(times);
        AccountProfile profile = account.profile();
        long cleanup = profile.cleanupTimer;
        for (long time : times) {
            Decision[] due = held.get(time);
            held.remove(time);
            if (cleanup != time) {
                timers.deleteEventTimeTimer(time);
            }
            releasedByTimeout.inc(due.length);
            release(due, timers, out, profile);
        }
        account.save(profile);
    }
}
