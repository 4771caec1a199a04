package io.invoicesieve.functions;

import io.invoicesieve.control.ControlState;
import io.invoicesieve.control.ControlUpdate;
import io.invoicesieve.control.Controls;

import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The live {@link Controls} of one subtask of an operator the control stream joins, their metrics
 * (group {@code controls}: applied, entries, modelActive, rulesOnly, rejectedModels, pairsSuppressed,
 * ...), and their loading from the broadcast state after a restore.
 */
final class ControlMetrics {

    final Controls controls = new Controls();
    private boolean loaded;

    ControlMetrics(MetricGroup operator) {
        MetricGroup g = operator.addGroup("controls");
        controls.applied = g.counter("applied");
        controls.rejectedModels = g.counter("rejectedModels");
        controls.pairsSuppressed = g.counter("pairsSuppressed");
        controls.bankChangesSuppressed = g.counter("bankChangesSuppressed");
        controls.bankSharedSuppressed = g.counter("bankSharedSuppressed");
        controls.reasonsSwitchedOff = g.counter("reasonsSwitchedOff");
        controls.pairsScored = g.counter("modelPairsScored");
        controls.vendorRiskReasons = g.counter("vendorRiskReasons");
        g.gauge("entries", (Gauge<Integer>) controls::entries);
        g.gauge("modelActive", (Gauge<Integer>) controls::modelActive);
        g.gauge("rulesOnly", (Gauge<Integer>) () -> 1 - controls.modelActive());
        g.gauge("modelVersion", (Gauge<String>) () -> controls.modelVersion(Controls.RULES_ONLY));
    }

    /** Once per subtask, before the first record: the controls restored with the broadcast state. */
    void load(ReadOnlyBroadcastState<String, ControlUpdate> state) throws Exception {
        if (!loaded) {
            controls.rebuild(state.immutableEntries());
            loaded = true;
        }
    }

    /** A change from the control stream: stored in the broadcast state and applied. */
    void apply(BroadcastState<String, ControlUpdate> state, ControlUpdate u) throws Exception {
        load(state);
        if (ControlState.store(state, u)) {
            controls.apply(u);
        }
    }
}
