package io.invoicesieve.functions;

import io.invoicesieve.control.ControlState;
import io.invoicesieve.control.ControlUpdate;
import io.invoicesieve.control.Controls;
import io.invoicesieve.model.Decision;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * A keyed stage with the control stream connected: the vendor-keyed {@link InvoiceScorer} (uid
 * {@code invoice-scorer}) and the account-keyed {@link AccountSharing} (uid {@code account-sharing}),
 * uids unchanged. Records go to the stage as they did, with its keyed state and timers; control
 * changes land in the broadcast state {@code analyst-controls} and in the {@link Controls} the stage
 * consults. The stages themselves stay KeyedProcessFunctions (their tests and the bootstrap use them
 * as they are); this class only adapts the contexts.
 *
 * @param <IN> the stage's input: {@code Invoice} for the scorer, {@code Decision} for the account stage
 */
public final class Controlled<IN> extends KeyedBroadcastProcessFunction<String, IN, ControlUpdate, Decision> {

    private static final long serialVersionUID = 1L;

    /** A stage that consults the analysts' controls. */
    public interface Stage {
        void useControls(Controls controls);
    }

    private final KeyedProcessFunction<String, IN, Decision> stage;
    private transient ControlMetrics controls;

    public <S extends KeyedProcessFunction<String, IN, Decision> & Stage> Controlled(S stage) {
        this.stage = stage;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        stage.setRuntimeContext(getRuntimeContext());
        stage.open(openContext);
        controls = new ControlMetrics(getRuntimeContext().getMetricGroup());
        ((Stage) stage).useControls(controls.controls);
    }

    @Override
    public void close() throws Exception {
        stage.close();
    }

    @Override
    public void processElement(IN value, ReadOnlyContext ctx, Collector<Decision> out) throws Exception {
        controls.load(ctx.getBroadcastState(ControlState.descriptor()));
        stage.processElement(value, context(ctx), out);
    }

    @Override
    public void processBroadcastElement(ControlUpdate update, Context ctx, Collector<Decision> out) throws Exception {
        controls.apply(ctx.getBroadcastState(ControlState.descriptor()), update);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out) throws Exception {
        stage.onTimer(timestamp, timerContext(ctx), out);
    }

    private KeyedProcessFunction<String, IN, Decision>.Context context(ReadOnlyContext ctx) {
        return stage.new Context() {
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
            public String getCurrentKey() {
                return ctx.getCurrentKey();
            }
        };
    }

    private KeyedProcessFunction<String, IN, Decision>.OnTimerContext timerContext(OnTimerContext ctx) {
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
