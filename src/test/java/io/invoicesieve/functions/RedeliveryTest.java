package io.invoicesieve.functions;

import io.invoicesieve.decide.Decider;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.duplicates.ContentDigest;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.Descriptors;
import io.invoicesieve.testing.Fixtures;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.invoicesieve.testing.Fixtures.DAY;
import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Re-deliveries of a known invoice_id in the scorer: the same payment content yields no decision,
 * other content a CHANGED_REDELIVERY decision that is HOLD whatever the tenant's thresholds.
 */
class RedeliveryTest {

    /** The invoice date of every delivery (Fixtures' day() moves it with the event time). */
    private static final java.time.LocalDate DATE = invoice("x").build().invoiceDate;

    private KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> harness;
    private DetectorSettings settings;

    @BeforeEach
    void setUp() throws Exception {
        // a lenient tenant: a score of 0.9 alone would only be REVIEW there
        settings = Fixtures.settings(Map.of("sieve.decision.tenant-thresholds", "lenient:0.6:0.99"));
        harness = InvoiceScorerTest.harness(settings);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** The decisions the invoice yields (none or one), decided as the last stage would. */
    private List<Decision> deliver(Invoice inv) throws Exception {
        int before = harness.extractOutputValues().size();
        harness.processElement(inv, inv.eventTimeMillis());
        List<Decision> out = harness.extractOutputValues();
        return out.subList(before, out.size()).stream().map(d -> Decider.decide(d, settings.thresholds)).toList();
    }

    private static List<ReasonCode> codes(Decision d) {
        return Arrays.stream(d.reasons).map(r -> r.code).toList();
    }

    @Test
    void anIdenticalReDeliveryYieldsNoDecision() throws Exception {
        assertThat(deliver(invoice("a-1").build())).hasSize(1);
        // later, from another channel, with the amount written differently and the account spaced: same payment
        Invoice again = invoice("a-1").day(1).invoiceDate(DATE).amount("1250").account("de89 3704 0044 0532 0130 00").build();
        again.source = "portal";
        assertThat(deliver(again)).isEmpty();
        assertThat(deliver(invoice("a-1").day(2).invoiceDate(DATE).build())).isEmpty();
    }

    @Test
    void aReDeliveryWithAnotherAmountIsHeld() throws Exception {
        Decision first = deliver(invoice("a-1").build()).get(0);
        assertThat(first.decision).isEqualTo(DecisionType.PASS);

        List<Decision> changed = deliver(invoice("a-1").day(1).invoiceDate(DATE).amount("12500.00").build());
        assertThat(changed).hasSize(1);
        Decision d = changed.get(0);
        assertThat(codes(d)).containsExactly(ReasonCode.CHANGED_REDELIVERY);
        assertThat(d.decision).isEqualTo(DecisionType.HOLD);
        assertThat(d.invoiceId).isEqualTo("a-1");
        assertThat(d.traceId).as("the same identity downstream").isEqualTo(first.traceId);
        assertThat(d.amount).isEqualTo("12500.00");
        Evidence e = d.reasons[0].evidence;
        assertThat(e.firstDeliveredAt).isEqualTo(Fixtures.BASE.toString());
        assertThat(e.previousContentDigest).isEqualTo(ContentDigest.hex(ContentDigest.of(invoice("a-1").build())));
        assertThat(e.contentDigest).isEqualTo(ContentDigest.hex(ContentDigest.of(invoice("a-1").amount("12500.00").build())));
        assertThat(d.reasons[0].detail).contains("a-1").contains(Fixtures.BASE.toString());

        // the changed content is now the remembered one: its replay is dropped, a change back is held again
        assertThat(deliver(invoice("a-1").day(2).invoiceDate(DATE).amount("12500.00").build())).isEmpty();
        assertThat(codes(deliver(invoice("a-1").day(3).invoiceDate(DATE).build()).get(0))).containsExactly(ReasonCode.CHANGED_REDELIVERY);
    }

    @Test
    void aReDeliveryToAnotherAccountIsHeldEvenForALenientTenant() throws Exception {
        deliver(invoice("l-1").tenant("lenient").build());
        Decision d = deliver(invoice("l-1").tenant("lenient").day(1).invoiceDate(DATE).account("GB29NWBK60161331926819").build()).get(0);
        assertThat(codes(d)).containsExactly(ReasonCode.CHANGED_REDELIVERY);
        assertThat(d.riskScore).isEqualTo(0.9);
        assertThat(d.decision).as("HOLD though the tenant holds from 0.99").isEqualTo(DecisionType.HOLD);
    }

    @Test
    void theChangedCopyIsNotRememberedByTheDetectors() throws Exception {
        deliver(invoice("a-1").number("INV-1").build());
        deliver(invoice("a-1").number("INV-1").day(1).amount("990.00").build());
        // a new invoice with the changed copy's number, amount and date is no duplicate of it: not indexed
        Decision other = deliver(invoice("a-2").number("INV-1").day(40).invoiceDate(DATE.plusDays(1))
                .amount("990.00").build()).get(0);
        assertThat(other.reasons).isEmpty();
        // but a resubmission of the first delivery still is
        Decision resub = deliver(invoice("a-3").number("INV-1").day(41)
                .invoiceDate(invoice("x").build().invoiceDate).build()).get(0);
        assertThat(codes(resub)).containsExactly(ReasonCode.DUPLICATE_EXACT);
        assertThat(resub.matchedInvoiceIds).containsExactly("a-1");
    }

    @Test
    void anIdRememberedWithoutADigestIsDroppedAsBefore() throws Exception {
        // what a savepoint of 0.1.0 holds: the id and its time in invoice-ids, no content digest
        Invoice old = invoice("a-1").build();
        rememberIdOnly(InvoiceScorer.key(old), old.invoiceId, old.eventTimeMillis());
        assertThat(deliver(invoice("a-1").day(1).invoiceDate(DATE).amount("99999.00").build()))
                .as("unknown earlier content: a replay").isEmpty();
        assertThat(deliver(invoice("a-2").day(1).build())).hasSize(1);
        assertThat(deliver(invoice("a-1").day(2).invoiceDate(DATE).amount("5.00").build()))
                .as("moved into invoice-deliveries without a digest: still a replay").isEmpty();
        assertThat(stateEntries(InvoiceScorer.key(old), Descriptors.invoiceIds())).as("the 0.1.0 layout is gone")
                .isEmpty();
        assertThat(stateEntries(InvoiceScorer.key(old), Descriptors.invoiceDeliveries()))
                .containsOnlyKeys("a-1", "a-2")
                .hasEntrySatisfying("a-1", v -> assertThat(v).containsExactly(old.eventTimeMillis()));
        // the moved id is in the expiry index: forgotten with the others after the replay retention
        harness.processWatermark(Fixtures.BASE.toEpochMilli() + 200 * DAY);
        assertThat(stateEntries(InvoiceScorer.key(old), Descriptors.invoiceDeliveries())).isEmpty();
        assertThat(deliver(invoice("a-1").day(201).invoiceDate(DATE).amount("10.00").build())).hasSize(1);
    }

    @Test
    void theDigestIsForgottenWithTheId() throws Exception {
        deliver(invoice("a-1").build());
        harness.processWatermark(Fixtures.BASE.toEpochMilli() + 200 * DAY);
        // 180 d replay retention: a first delivery again, scored as any invoice
        List<Decision> again = deliver(invoice("a-1").day(201).invoiceDate(DATE).amount("10.00").build());
        assertThat(again).hasSize(1);
        assertThat(codes(again.get(0))).doesNotContain(ReasonCode.CHANGED_REDELIVERY);
    }

    @SuppressWarnings("unchecked")
    private <V> java.util.Map<String, V> stateEntries(String key, MapStateDescriptor<String, V> state) throws Exception {
        KeyedStateBackend<String> backend =
                (KeyedStateBackend<String>) (KeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        java.util.Map<String, V> out = new java.util.HashMap<>();
        for (java.util.Map.Entry<String, V> e : backend.getPartitionedState(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, state).entries()) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private void rememberIdOnly(String key, String invoiceId, long time) throws Exception {
        KeyedStateBackend<String> backend =
                (KeyedStateBackend<String>) (KeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        MapState<String, Long> ids = backend.getPartitionedState(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, Descriptors.invoiceIds());
        ids.put(invoiceId, time);
    }
}
