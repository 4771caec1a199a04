package io.invoicesieve.functions;

import io.invoicesieve.control.ControlState;
import io.invoicesieve.control.ControlUpdate;
import io.invoicesieve.model.Decision;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The account-keyed {@link AccountSharing} (the decision stage) with the control stream connected
 * (uid {@code account-sharing} unchanged): decisions go through it as they did, with its keyed state
 * and timers; control changes land in the broadcast state {@code analyst-controls} and in the
 * {@link io.invoicesieve.control.Controls} it consults (thresholds, reason switches, same-supplier
 * pairs, vendor risk). This class only adapts the contexts.
 */
public class ControlledAccountSharing extends KeyedBroadcastProcessFunction<String, Decision, ControlUpdate, Decision> {

    private static final long serialVersionUID = 1L;

    private final AccountSharing stage;
    private transient ControlMetrics controls;

    public ControlledAccountSharing(AccountSharing scorer) {
        this.stage = scorer;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        stage.setRuntimeContext(getRuntimeContext());
        stage.open(openContext);
        controls = new ControlMetrics(getRuntimeContext().getMetricGroup());
        stage.useControls(controls.controls);
    }

    @Override
    public void close() throws Exception {
        stage.close();
    }

    @Override
    public void processElement(Decision invoice, ReadOnlyContext ctx, Collector<Decision> out) throws Exception {
        controls.load(ctx.getBroadcastState(ControlState.descriptor()));
        stage.processElement(invoice, context(ctx.timestamp(), ctx.currentWatermark() , ctx), out);
    }

    @Override
    public void processBroadcastElement(ControlUpdate update, Context ctx, Collector<Decision> out) throws Exception {
        controls.apply(ctx.getBroadcastState(ControlState.descriptor()), update);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out) throws Exception {
        stage.onTimer(timestamp, timerContext(ctx), out);
    }

    private KeyedProcessFunction<String, Decision, Decision>.Context context(Long timestamp, long unused,
            ReadOnlyContext ctx) {
        return stage.new Context() {
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

    private KeyedProcessFunction<String, Decision, Decision>.OnTimerContext timerContext(OnTimerContext ctx) {
        return stage.new OnTimerContext() {
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
