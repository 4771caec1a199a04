package io.invoicesieve.functions;

import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.state.Tags;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Sends parsed invoices on and dead letters to their side output, counting them. */
public class RouteDeadLetters extends ProcessFunction<InboundRecord, Invoice> {

    private static final long serialVersionUID = 1L;

    private transient Counter deadLetters;
    private transient Counter invoices;

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        invoices = getRuntimeContext().getMetricGroup().counter("invoicesParsed");
    }

    @Override
    public void processElement(InboundRecord record, Context ctx, Collector<Invoice> out) {
        if (record.invoice != null) {
            invoices.inc();
            out.collect(record.invoice);
        } else {
            deadLetters.inc();
            ctx.output(Tags.DEAD_LETTERS, record.deadLetter);
        }
    }
}
