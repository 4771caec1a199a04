package io.invoicesieve.functions;

import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.state.Tags;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends parsed invoices on and dead letters to their side output, counting them (metrics, and the
 * {@value #INVOICES_PARSED} accumulator that the summary of {@code local} reads). Dead letters for
 * an event_time too far ahead of the clock are also counted in {@code futureEventsRejected}.
 */
public class RouteDeadLetters extends ProcessFunction<InboundRecord, Invoice> {

    private static final long serialVersionUID = 1L;

    /** Accumulator name: invoices parsed (first deliveries and replays). */
    public static final String INVOICES_PARSED = "invoicesParsed";
    /** Accumulator name: dead letters (the progress lines of {@code local}). */
    public static final String DEAD_LETTERS = "deadLetters";

    private transient Counter deadLetters;
    private transient Counter invoices;
    private transient Counter futureEvents;
    private transient LongCounter invoicesTotal;
    private transient LongCounter deadLettersTotal;
    // ---- ops: dead letters by reason class (metric deadLettersByReason, label dlq_reason) ----
    private static final Pattern FIELD = Pattern.compile("field '([A-Za-z_]{1,40})'");
    private transient MetricGroup metrics;
    private transient Map<String, Counter> byReason;

    /** The dead letter's reason as a small closed set of classes (a metric label must stay bounded). */
    static String reasonClass(String reason) {
        if (reason == null) {
            return "other";
        }
        Matcher field = FIELD.matcher(reason);
        if (reason.startsWith("missing required field")) {
            return "missing_field";
        } else if (field.find()) {
            return "invalid_" + field.group(1).toLowerCase(java.util.Locale.ROOT);
        } else if (reason.startsWith("not valid JSON") || reason.startsWith("trailing content")) {
            return "not_json";
        } else if (reason.startsWith("not a JSON object")) {
            return "not_object";
        } else if (reason.startsWith("empty record")) {
            return "empty";
        } else if (reason.startsWith("record longer")) {
            return "too_long";
        }
        return "other";
    }
    // ---- end ops ----

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        invoices = getRuntimeContext().getMetricGroup().counter("invoicesParsed");
        futureEvents = getRuntimeContext().getMetricGroup().counter("futureEventsRejected");
        invoicesTotal = new LongCounter();
        getRuntimeContext().addAccumulator(INVOICES_PARSED, invoicesTotal);
        deadLettersTotal = new LongCounter();
        getRuntimeContext().addAccumulator(DEAD_LETTERS, deadLettersTotal);
        metrics = getRuntimeContext().getMetricGroup(); // ops: deadLettersByReason
        byReason = new HashMap<>(); // ops: deadLettersByReason
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
            // ops: at most 32 classes, then "other"
            String cls = reasonClass(record.deadLetter.reason);
            byReason.computeIfAbsent(byReason.size() < 32 ? cls : byReason.containsKey(cls) ? cls : "other",
                    c -> metrics.addGroup("dlq_reason", c).counter("deadLettersByReason")).inc();
            deadLettersTotal.add(1);
            ctx.output(Tags.DEAD_LETTERS, record.deadLetter);
        }
    }
}
