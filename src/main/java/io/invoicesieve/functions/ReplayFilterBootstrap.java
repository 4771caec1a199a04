package io.invoicesieve.functions;

import io.invoicesieve.model.Invoice;
import io.invoicesieve.state.Descriptors;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

/**
 * Warm start of {@link ReplayFilter} (keyed by {@link ReplayFilter#key}): the first-seen time of
 * each historical (tenant, invoice_id) and its expiry timer, so that a re-delivery of a historical
 * invoice after the start is suppressed exactly as if the job had seen the original. Ids whose
 * retention already ended are cleared by their (past) timer at the first watermark after the start.
 */
public class ReplayFilterBootstrap extends KeyedStateBootstrapFunction<String, Invoice> {

    private static final long serialVersionUID = 1L;

    private final long retentionMillis;

    private transient ValueState<Long> firstSeen;

    public ReplayFilterBootstrap(long retentionMillis) {
        this.retentionMillis = retentionMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        firstSeen = getRuntimeContext().getState(Descriptors.replayFirstSeen());
    }

    @Override
    public void processElement(Invoice invoice, Context ctx) throws Exception {
        if (firstSeen.value() != null) {
            return;
        }
        long time = invoice.eventTimeMillis();
        firstSeen.update(time);
        // the running job registers at max(time, watermark) + retention; in event-time order per
        // key the watermark is behind the invoice, so that is time + retention
        ctx.timerService().registerEventTimeTimer(EventTimes.saturatedAdd(time, retentionMillis));
    }
}
