package io.invoicesieve.functions;

import io.invoicesieve.control.ControlCodec;
import io.invoicesieve.control.ControlState;
import io.invoicesieve.control.ControlUpdate;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.ContractSchemas;
import io.invoicesieve.testing.Fixtures;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.invoicesieve.testing.Fixtures.DAY;
import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Controlled}, the wrapper that connects the control stream to a keyed stage: a control change
 * reaches the stage's next record, lives in the broadcast state {@code analyst-controls} across a
 * snapshot, and the stage's own contexts work through it (its records' timestamps, its side outputs,
 * its event-time timers).
 */
class ControlledTest {

    private final DetectorSettings settings = Fixtures.settings(Map.of());
    private final List<AutoCloseable> harnesses = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable h : harnesses) {
            h.close();
        }
    }

    private KeyedBroadcastOperatorTestHarness<String, Decision, ControlUpdate, Decision> accountStage(
            OperatorSubtaskState restore) throws Exception {
        KeyedBroadcastOperatorTestHarness<String, Decision, ControlUpdate, Decision> h =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        new Controlled<>(new AccountSharing(settings)), AccountSharing::key, Types.STRING,
                        ControlState.descriptor());
        harnesses.add(h);
        if (restore != null) {
            h.close();
            h = new KeyedBroadcastOperatorTestHarness<>(
                    new org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator<>(
                            new Controlled<>(new AccountSharing(settings)), List.of(ControlState.descriptor())),
                    AccountSharing::key, Types.STRING, 128, 1, 0);
            harnesses.add(h);
            h.setup();
            h.initializeState(restore);
            h.open();
        }
        return h;
    }

    /** The scorer's draft of an invoice with a low extraction confidence (LOW_CONFIDENCE, 0.5). */
    private Decision draft(String id) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> scorer = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new InvoiceScorer(settings)), InvoiceScorer::key, Types.STRING);
        harnesses.add(scorer);
        scorer.open();
        Invoice inv = invoice(id).confidence(0.2).build();
        scorer.processElement(inv, inv.eventTimeMillis());
        List<Decision> out = scorer.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(Arrays.stream(out.get(0).reasons).map(r -> r.code)).containsExactly(ReasonCode.LOW_CONFIDENCE);
        return out.get(0);
    }

    private static Decision decide(KeyedBroadcastOperatorTestHarness<String, Decision, ControlUpdate, Decision> h, Decision draft)
            throws Exception {
        int before = h.extractOutputValues().size();
        h.processElement(draft, draft.eventTime.toEpochMilli());
        List<Decision> out = h.extractOutputValues();
        assertThat(out).hasSize(before + 1);
        return out.get(out.size() - 1);
    }

    private static ControlUpdate thresholds(String id, String tenant, double review, double hold, boolean revoke) {
        String json = "{\"control_id\":\"" + id + "\",\"type\":\"TENANT_THRESHOLDS\",\"tenant_id\":\"" + tenant + "\","
                + "\"review_threshold\":" + review + ",\"hold_threshold\":" + hold + ","
                + (revoke ? "\"revoke\":true," : "") + "\"actor\":\"ops\",\"at\":\"2026-03-03T10:00:00Z\"}";
        ContractSchemas.assertValid("control.schema.json", json);
        return ControlCodec.parse(json);
    }

    @Test
    void aThresholdChangeReachesTheNextRecordAndSurvivesASnapshot() throws Exception {
        String tenant = draft("c-0").tenantId;
        KeyedBroadcastOperatorTestHarness<String, Decision, ControlUpdate, Decision> h = accountStage(null);
        assertThat(decide(h, draft("c-1")).decision).as("LOW_CONFIDENCE (0.5) at the configured thresholds")
                .isEqualTo(DecisionType.REVIEW);

        h.processBroadcastElement(thresholds("t-1", tenant, 0.2, 0.4, false), 1);
        assertThat(h.getBroadcastState(ControlState.descriptor()).immutableEntries()).hasSize(1);
        assertThat(decide(h, draft("c-2")).decision).as("the tenant's hold threshold 0.4").isEqualTo(DecisionType.HOLD);
        h.processBroadcastElement(thresholds("t-other", "other-" + tenant, 0.9, 0.95, false), 2);
        assertThat(decide(h, draft("c-3")).decision).as("another tenant's change leaves this one").isEqualTo(DecisionType.HOLD);

        // a new subtask restored from the snapshot consults the restored controls before its first record
        OperatorSubtaskState snapshot = h.snapshot(1, 10);
        KeyedBroadcastOperatorTestHarness<String, Decision, ControlUpdate, Decision> restored = accountStage(snapshot);
        assertThat(restored.getBroadcastState(ControlState.descriptor()).immutableEntries()).hasSize(2);
        assertThat(decide(restored, draft("c-4")).decision).isEqualTo(DecisionType.HOLD);

        restored.processBroadcastElement(thresholds("t-1", tenant, 0.2, 0.4, true), 3);
        assertThat(decide(restored, draft("c-5")).decision).as("revoked: the configured thresholds again")
                .isEqualTo(DecisionType.REVIEW);
    }

    @Test
    void theScorersTimersAndTimestampsWorkThroughTheWrapper() throws Exception {
        KeyedBroadcastOperatorTestHarness<String, Invoice, ControlUpdate, Decision> h =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        new Controlled<>(new InvoiceScorer(settings)), InvoiceScorer::key, Types.STRING,
                        ControlState.descriptor());
        harnesses.add(h);
        Invoice first = invoice("r-1").number("INV-77").amount("770.00").build();
        h.processElement(first, first.eventTimeMillis());
        assertThat(h.extractOutputValues()).hasSize(1);
        assertThat(h.numEventTimeTimers()).as("its cleanup timer, armed through the wrapper's timer service").isEqualTo(1);

        h.processElement(first, first.eventTimeMillis());
        assertThat(h.extractOutputValues()).as("a replay: no second decision").hasSize(1);

        // every retention passes: the cleanup timer fires through the wrapper and empties the vendor
        h.processWatermark(first.eventTimeMillis() + 800 * DAY);
        Invoice again = invoice("r-1").number("INV-77").amount("770.00").day(800).build();
        h.processElement(again, again.eventTimeMillis());
        assertThat(h.extractOutputValues()).as("forgotten after the retention: decided again").hasSize(2);
    }
}
