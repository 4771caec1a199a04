package io.invoicesieve.sinks;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
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
 */
public class SinkGuard extends ProcessFunction<Decision, Decision> {

    private static final long serialVersionUID = 1L;

    /** Accumulator (and metric) name: decisions turned into dead letters here. */
    public static final String REFUSED = "sinkLimitDeadLetters";

    private final SinkLimits limits;
    private transient Counter refused;
    private transient LongCounter refusedTotal;

    public SinkGuard(SieveConfig config) {
        this.limits = SinkLimits.of(config);
    }

    @Override
    public void open(OpenContext openContext) {
        refused = getRuntimeContext().getMetricGroup().counter(REFUSED);
        refusedTotal = new LongCounter();
        getRuntimeContext().addAccumulator(REFUSED, refusedTotal);
    }

    @Override
    public void processElement(Decision decision, Context ctx, Collector<Decision> out) {
        String problem = limits.check(decision);
        if (problem == null) {
            out.collect(decision);
            return;
        }
        refused.inc();
        refusedTotal.add(1);
        ctx.output(Tags.DEAD_LETTERS, deadLetter(decision, problem, System.currentTimeMillis()));
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
