package io.invoicesieve.control;

import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The broadcast state {@code analyst-controls} of the operators the control stream joins
 * ({@code invoice-scorer}, {@code account-sharing}): state key ({@link ControlUpdate#stateKey()}) ->
 * the latest change for it. Operator state, so a 0.1.0 savepoint (which has none) restores with it
 * empty; every subtask holds the same copy. The name is part of the savepoint format.
 */
public final class ControlState {

    public static final String NAME = "analyst-controls";
    public static final TypeInformation<ControlUpdate> TYPE = Types.POJO(ControlUpdate.class);

    private ControlState() {}

    public static MapStateDescriptor<String, ControlUpdate> descriptor() {
        return new MapStateDescriptor<>(NAME, Types.STRING, TYPE);
    }

    /** Stores (or, revoked, removes) the change; false for changes without a runtime effect. */
    public static boolean store(BroadcastState<String, ControlUpdate> state, ControlUpdate u) throws Exception {
        String key = u.stateKey();
        if (key == null) {
            return false;
        }
        if (u.revoke) {
            state.remove(key);
        } else {
            state.put(key, u);
        }
        return true;
    }
}
