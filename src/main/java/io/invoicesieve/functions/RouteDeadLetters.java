package io.invoicesieve.functions;

import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.state.Tags;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Sends parsed invoices on and dead letters to their side output, counting them (metrics, and the
 * {@value #INVOICES_PARSED} accumulator that the summary of {@code local} reads). Dead letters for
 * an event_time too far ahead of the clock are also counted in {@code futureEventsRejected}.
 */
public class RouteDeadLetters extends ProcessFunction<InboundRecord, Invoice> {

    private static final long serialVersionUID = 1L;

    /** Accumulator name: invoices parsed (first deliveries and replays). */
    public static final String INVOICES_PARSED = "invoicesParsed";

    private transient Counter deadLetters;
    private transient Counter invoices;
    private transient Counter futureEvents;
    private transient LongCounter invoicesTotal;

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        invoices = getRuntimeContext().getMetricGroup().counter("invoicesParsed");
        futureEvents = getRuntimeContext().getMetricGroup().counter("futureEventsRejected");
        invoicesTotal = new LongCounter();
        getRuntimeContext().addAccumulator(INVOICES_PARSED, invoicesTotal);
    }

    @Override
    public void processElement(InboundRecord record, Context ctx, Collector<Invoice> out) {
        if (record.invoice != null) {
            invoices.inc();
            invoicesTotal.add(1);
            out.collect(record.invoice);
        } else {
            deadLetters.inc();
            if (record.deadLetter.reason.startsWith(DeadLetter.FUTURE_EVENT_TIME)) {
                futureEvents.inc();
            }
            ctx.output(Tags.DEAD_LETTERS, record.deadLetter);
        }
    }
}
