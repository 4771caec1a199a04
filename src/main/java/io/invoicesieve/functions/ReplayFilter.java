package io.invoicesieve.functions;

import io.invoicesieve.model.Invoice;
import io.invoicesieve.state.Descriptors;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by (tenant_id, invoice_id): lets the first delivery of an invoice through and suppresses
 * re-deliveries (counted in {@code replaysSuppressed}), so that a replay yields no second decision
 * and is never scored as a duplicate of itself.
 *
 * <p>State: one Long per invoice, cleared by an event-time timer {@code sieve.replay.retention}
 * after the invoice (or after the watermark, for an invoice that arrives that late). Event time,
 * not processing-time TTL, so that a backfill of a year of invoices keeps only the retention's
 * worth of ids. A replay arriving after the retention is scored again; the retention is validated
 * to be at least the duplicate lookback.
 */
public class ReplayFilter extends KeyedProcessFunction<String, Invoice, Invoice> {

    private static final long serialVersionUID = 1L;

    private final long retentionMillis;

    private transient ValueState<Long> firstSeen;
    private transient Counter replays;

    public ReplayFilter(long retentionMillis) {
        this.retentionMillis = retentionMillis;
    }

    public static String key(Invoice invoice) {
        return invoice.tenantId + '\u001f' + invoice.invoiceId;
    }

    @Override
    public void open(OpenContext openContext) {
        firstSeen = getRuntimeContext().getState(Descriptors.replayFirstSeen());
        replays = getRuntimeContext().getMetricGroup().counter("replaysSuppressed");
    }

    @Override
    public void processElement(Invoice invoice, Context ctx, Collector<Invoice> out) throws Exception {
        if (firstSeen.value() != null) {
            replays.inc();
            return;
        }
        long time = invoice.eventTimeMillis();
        firstSeen.update(time);
        long base = Math.max(time, ctx.timerService().currentWatermark());
        ctx.timerService().registerEventTimeTimer(EventTimes.saturatedAdd(base, retentionMillis));
        out.collect(invoice);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Invoice> out) {
        firstSeen.clear();
    }
}
