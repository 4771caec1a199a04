package io.invoicesieve.functions;

import io.invoicesieve.control.ControlState;
import io.invoicesieve.control.ControlUpdate;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Invoice;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The vendor-keyed {@link InvoiceScorer} with the control stream connected (uid {@code invoice-scorer}
 * unchanged): invoices go to the scorer as they did, with its keyed state and timers; control changes
 * land in the broadcast state {@code analyst-controls} and in the {@link io.invoicesieve.control.Controls}
 * the scorer consults. The scorer itself stays a KeyedProcessFunction (its tests and the bootstrap
 * use it as is); this class only adapts the contexts.
 */
public class ControlledInvoiceScorer extends KeyedBroadcastProcessFunction<String, Invoice, ControlUpdate, Decision> {

    private static final long serialVersionUID = 1L;

    private final InvoiceScorer scorer;
    private transient ControlMetrics controls;

    public ControlledInvoiceScorer(InvoiceScorer scorer) {
        this.scorer = scorer;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        scorer.setRuntimeContext(getRuntimeContext());
        scorer.open(openContext);
        controls = new ControlMetrics(getRuntimeContext().getMetricGroup());
        scorer.useControls(controls.controls);
    }

    @Override
    public void close() throws Exception {
        scorer.close();
    }

    @Override
    public void processElement(Invoice invoice, ReadOnlyContext ctx, Collector<Decision> out) throws Exception {
        controls.load(ctx.getBroadcastState(ControlState.descriptor()));
        scorer.processElement(invoice, context(ctx.timestamp(), ctx.currentWatermark() , ctx), out);
    }

    @Override
    public void processBroadcastElement(ControlUpdate update, Context ctx, Collector<Decision> out) throws Exception {
        controls.apply(ctx.getBroadcastState(ControlState.descriptor()), update);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out) throws Exception {
        scorer.onTimer(timestamp, timerContext(ctx), out);
    }

    private KeyedProcessFunction<String, Invoice, Decision>.Context context(Long timestamp, long unused,
            ReadOnlyContext ctx) {
        return scorer.new Context() {
            @Override
            public Long timestamp() {
                return timestamp;
            }

            @Override
            public TimerService timerService() {
                return ctx.timerService();
            }

            @Override
            public <X> void output(OutputTag<X> outputTag, X value) {
                ctx.output(outputTag, value);
            }

            @Override
            public String getCurrentKey() {
                return ctx.getCurrentKey();
            }
        };
    }

    private KeyedProcessFunction<String, Invoice, Decision>.OnTimerContext timerContext(OnTimerContext ctx) {
        return scorer.new OnTimerContext() {
            @Override
            public Long timestamp() {
                return ctx.timestamp();
            }

            @Override
            public TimerService timerService() {
                return ctx.timerService();
            }

            @Override
            public <X> void output(OutputTag<X> outputTag, X value) {
                ctx.output(outputTag, value);
            }

            @Override
            public TimeDomain timeDomain() {
                return ctx.timeDomain();
            }

            @Override
            public String getCurrentKey() {
                return ctx.getCurrentKey();
            }
        };
    }
}
