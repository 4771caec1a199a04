package io.invoicesieve.functions;

import io.invoicesieve.config.Thresholds;
import io.invoicesieve.decide.Decider;
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

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The last stage before the sinks, keyed by (tenant_id, remit account): adds BANK_SHARED
 * ({@link SharedAccountDetector}) to the decision with which a second vendor shows up on the
 * account, then decides ({@link Decider}: the one place that scores and decides). Decisions without an account are keyed by their own invoice id and pass through,
 * so they never form a hot key. It runs after the vendor-keyed scorer so that each vendor's
 * invoices arrive here in the order the scorer saw them.
 *
 * <p>Also counts the final decisions and reasons (metrics {@code decisions}, {@code reasons}).
 *
 * <p>State: see {@link SharedAccountDetector}.
 */
public class AccountSharing extends KeyedProcessFunction<String, Decision, Decision> {

    private static final long serialVersionUID = 1L;

    private final long retentionMillis;
    private final Thresholds thresholds;

    private transient SharedAccountDetector sharing;
    private transient Map<DecisionType, Counter> decisions;
    private transient Map<ReasonCode, Counter> reasons;
    // ---- ops: rules vs model mix, end-to-end lag (metrics decisionsByModel, decisionEventTimeLagMillis) ----
    private transient MetricGroup metrics;
    private transient Map<String, Counter> byModel;
    private transient Histogram eventTimeLag;
    private static final org.apache.logging.log4j.Logger LOG = org.apache.logging.log4j.LogManager.getLogger(AccountSharing.class);
    // ---- end ops ----

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
        sharing = new SharedAccountDetector(getRuntimeContext(), retentionMillis);
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
            Reason shared = sharing.check(decision.remitAccountKey, decision.vendorId,
                    decision.eventTime.toEpochMilli(), ctx.timerService());
            if (shared != null) {
                Decider.addReason(decision, shared);
            }
        }
        Decider.decide(decision, thresholds);
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

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out) throws Exception {
        sharing.expire(timestamp, ctx.timerService());
    }
}
