package io.invoicesieve.sinks;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.serde.DecisionJson;
import io.invoicesieve.serde.InvoiceParser;
import io.invoicesieve.state.Tags;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;

/**
 * The last operator before the decision sinks: a decision that any sink would refuse
 * ({@link SinkLimits}) goes to the dead letters, with the limit as its reason, instead of into a
 * sink that would fail the job on it at every restart. Its dead letter's origin is
 * {@code decision:<trace_id>} and its raw the decision JSON (cut as every raw payload is). Stateless.
 *
 * <p>What it lets through is what every sink receives, so it also counts the decisions by type and
 * by reason code, as accumulators ({@link #DECISIONS_PREFIX}, {@link #REASONS_PREFIX}: in the web
 * UI's Accumulators tab, and in the job's result, where {@code local} reads its summary instead of
 * reading its output back).
 */
public class SinkGuard extends ProcessFunction<Decision, Decision> {

    private static final long serialVersionUID = 1L;

    /** Accumulator (and metric) name: decisions turned into dead letters here. */
    public static final String REFUSED = "sinkLimitDeadLetters";

    /** Accumulator name prefix: decisions let through, by {@link DecisionType} ("decisions.HOLD"). */
    public static final String DECISIONS_PREFIX = "decisions.";

    /** Accumulator name prefix: reasons of the decisions let through, by {@link ReasonCode} ("reasons.LATE_EVENT"). */
    public static final String REASONS_PREFIX = "reasons.";

    private final SinkLimits limits;
    private transient Counter refused;
    private transient LongCounter refusedTotal;
    private transient LongCounter[] byDecision;
    private transient LongCounter[] byReason;

    public SinkGuard(SieveConfig config) {
        this.limits = SinkLimits.of(config);
    }

    @Override
    public void open(OpenContext openContext) {
        refused = getRuntimeContext().getMetricGroup().counter(REFUSED);
        refusedTotal = new LongCounter();
        getRuntimeContext().addAccumulator(REFUSED, refusedTotal);
        byDecision = counters(DECISIONS_PREFIX, DecisionType.values());
        byReason = counters(REASONS_PREFIX, ReasonCode.values());
    }

    private LongCounter[] counters(String prefix, Enum<?>[] names) {
        LongCounter[] counters = new LongCounter[names.length];
        for (int i = 0; i < names.length; i++) {
            counters[i] = new LongCounter();
            getRuntimeContext().addAccumulator(prefix + names[i].name(), counters[i]);
        }
        return counters;
    }

    @Override
    public void processElement(Decision decision, Context ctx, Collector<Decision> out) {
        String problem = limits.check(decision);
        if (problem == null) {
            count(decision);
            out.collect(decision);
            return;
        }
        refused.inc();
        refusedTotal.add(1);
        ctx.output(Tags.DEAD_LETTERS, deadLetter(decision, problem, System.currentTimeMillis()));
    }

    private void count(Decision decision) {
        if (decision.decision != null) {
            byDecision[decision.decision.ordinal()].add(1);
        }
        if (decision.reasons != null) {
            for (Reason r : decision.reasons) {
                if (r != null && r.code != null) {
                    byReason[r.code.ordinal()].add(1);
                }
            }
        }
    }

    static DeadLetter deadLetter(Decision d, String problem, long now) {
        String raw;
        try {
            raw = new String(DecisionJson.toJsonBytes(d), StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            // what the writer cannot encode: the ids, made representable
            raw = d.tenantId + ":" + d.invoiceId;
        }
        return new DeadLetter(InvoiceParser.rawOf(raw, -1), problem, "decision:" + d.traceId, now);
    }
}
