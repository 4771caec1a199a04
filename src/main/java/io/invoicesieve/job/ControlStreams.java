package io.invoicesieve.job;

import io.invoicesieve.control.ControlState;
import io.invoicesieve.control.ControlUpdate;
import io.invoicesieve.state.Uids;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;


/**
 * The control stream (uid {@code control-source}, parallelism 1). It emits no watermark and
 * declares itself idle, so that it never takes part in the event time of the keyed stages it is
 * connected to: a two-input operator's watermark is the minimum of its active inputs', and an
 * idle input is left out. (A control stream whose watermark were Long.MAX_VALUE would become the
 * keyed stages' event time whenever the invoices go idle, firing every cleanup timer.) Without a
 * source, the pipeline connects nothing (InvoiceSievePipeline); the empty stream below is kept for
 * callers that want one.
 */
final class ControlStreams {

    private ControlStreams() {}

    static DataStream<ControlUpdate> controls(StreamExecutionEnvironment env, Source<ControlUpdate, ?, ?> source) {
        if (source == null) {
            // one number, mapped to nothing: a bounded stream without elements (fromData rejects an empty list)
            return env.fromSource(new NumberSequenceSource(0, 0), WatermarkStrategy.noWatermarks(), "no controls")
                    .uid(Uids.CONTROL_SOURCE)
                    .setParallelism(1)
                    .flatMap((Long n, Collector<ControlUpdate> out) -> { })
                    .returns(ControlState.TYPE)
                    .uid(Uids.CONTROL_SOURCE + "-none")
                    .name("No controls")
                    .setParallelism(1);
        }
        return env.fromSource(source, neverHoldsBack(), "controls")
                .returns(ControlState.TYPE)
                .uid(Uids.CONTROL_SOURCE)
                .name("Dispositions and controls")
                .setParallelism(1);
    }

    static WatermarkStrategy<ControlUpdate> neverHoldsBack() {
        return WatermarkStrategy.forGenerator(ctx -> new WatermarkGenerator<ControlUpdate>() {
            @Override
            public void onEvent(ControlUpdate event, long eventTimestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.markIdle();
            }
        });
    }
}
