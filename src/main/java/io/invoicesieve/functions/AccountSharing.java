package io.invoicesieve.functions;

import io.invoicesieve.config.Thresholds;
import io.invoicesieve.detect.Accounts;
import io.invoicesieve.detect.Reasons;
import io.invoicesieve.detect.RiskScorer;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.Descriptors;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The last stage before the sinks, keyed by (tenant_id, remit account): remembers which vendors
 * asked to be paid to the account and adds BANK_SHARED to the decision with which a second vendor
 * shows up on it (a duplicate vendor record, or a fraudster's account), recomputing the risk score
 * and decision. Decisions without an account are keyed by their own invoice id and pass through,
 * so they never form a hot key. It runs after the vendor-keyed scorer so that each vendor's
 * invoices arrive here in the order the scorer saw them.
 *
 * <p>Also counts the final decisions and reasons (metrics {@code decisions}, {@code reasons}).
 *
 * <p>State: the vendors of the account with first/last use, evicted {@code sieve.bank.retention}
 * after their last use by a daily event-time timer.
 */
public class AccountSharing extends KeyedProcessFunction<String, Decision, Decision> {

    private static final long serialVersionUID = 1L;

    private final long retentionMillis;
    private final Thresholds thresholds;

    private transient ValueState<AccountHistory[]> vendors;
    private transient ValueState<Long> cleanupTimer;
    private transient Map<DecisionType, Counter> decisions;
    private transient Map<ReasonCode, Counter> reasons;

    public AccountSharing(long retentionMillis, Thresholds thresholds) {
        this.retentionMillis = retentionMillis;
        this.thresholds = thresholds;
    }

    public static String key(Decision decision) {
        return key(decision.tenantId, decision.remitAccountKey, decision.invoiceId);
    }

    /** The key of an invoice with this normalized account (null: keyed by its own id, no state). */
    public static String key(String tenantId, String accountKey, String invoiceId) {
        return accountKey == null
                ? tenantId + "\u001f#" + invoiceId
                : tenantId + '\u001f' + accountKey;
    }

    @Override
    public void open(OpenContext openContext) {
        vendors = getRuntimeContext().getState(Descriptors.accountVendors());
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
    }

    @Override
    public void processElement(Decision decision, Context ctx, Collector<Decision> out) throws Exception {
        if (decision.remitAccountKey != null) {
            long time = decision.eventTime.toEpochMilli();
            AccountHistory[] known = vendors.value();
            if (known != null && Accounts.indexOf(known, decision.vendorId) < 0) {
                String[] others = new String[known.length];
                long first = Long.MAX_VALUE;
                for (int i = 0; i < known.length; i++) {
                    others[i] = known[i].id;
                    first = Math.min(first, known[i].firstSeen);
                }
                addReason(decision, Reasons.bankShared(decision.remitAccountKey, others, first));
            }
            remember(vendors, cleanupTimer, ctx.timerService(), known, decision.vendorId, time, retentionMillis);
        }
        decisions.get(decision.decision).inc();
        for (Reason r : decision.reasons) {
            reasons.get(r.code).inc();
        }
        out.collect(decision);
    }

    private void addReason(Decision decision, Reason reason) {
        Reason[] grown = Arrays.copyOf(decision.reasons, decision.reasons.length + 1);
        grown[grown.length - 1] = reason;
        decision.reasons = grown;
        decision.riskScore = RiskScorer.combine(grown);
        decision.decision = thresholds.decide(decision.tenantId, decision.riskScore);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out) throws Exception {
        expire(vendors, cleanupTimer, ctx.timerService(), timestamp, retentionMillis);
    }

    /**
     * Records the vendor's use of the account and makes sure a cleanup timer is pending. Shared
     * with {@link AccountSharingBootstrap} so that a warm-started savepoint holds the same state.
     */
    static void remember(
            ValueState<AccountHistory[]> vendors, ValueState<Long> cleanupTimer, TimerService timers,
            AccountHistory[] known, String vendorId, long time, long retentionMillis) throws Exception {
        vendors.update(Accounts.touch(known, vendorId, time));
        if (cleanupTimer.value() == null) {
            long due = EventTimes.ceilDay(EventTimes.saturatedAdd(Math.max(time, timers.currentWatermark()), retentionMillis));
            timers.registerEventTimeTimer(due);
            cleanupTimer.update(due);
        }
    }

    /** The cleanup timer at {@code timestamp}: evicts vendors unused for the retention and re-arms. */
    static void expire(
            ValueState<AccountHistory[]> vendors, ValueState<Long> cleanupTimer, TimerService timers,
            long firedAt, long retentionMillis) throws Exception {
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
}
