package io.invoicesieve.functions;

import io.invoicesieve.decide.Decider;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.Fixtures;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
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

class InvoiceScorerTest {

    private KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> harness;
    private DetectorSettings settings;

    @BeforeEach
    void setUp() throws Exception {
        settings = Fixtures.settings();
        harness = harness(settings);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> harness(
            io.invoicesieve.detect.DetectorSettings settings) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new InvoiceScorer(settings)), InvoiceScorer::key, Types.STRING);
        h.getExecutionConfig().disableGenericTypes();
        h.open();
        return h;
    }

    private Decision score(Invoice inv) throws Exception {
        int before = harness.extractOutputValues().size();
        harness.processElement(inv, inv.eventTimeMillis());
        List<Decision> out = harness.extractOutputValues();
        assertThat(out).hasSize(before + 1);
        // the scorer drafts; the last stage (AccountSharing) decides with the same Decider
        return Decider.decide(out.get(out.size() - 1), settings.thresholds);
    }

    private static List<ReasonCode> codes(Decision d) {
        return Arrays.stream(d.reasons).map(r -> r.code).toList();
    }

    @Test
    void firstInvoicePasses() throws Exception {
        Decision d = score(invoice("a-1").build());
        assertThat(d.decision).isEqualTo(DecisionType.PASS);
        assertThat(d.riskScore).isZero();
        assertThat(d.reasons).isEmpty();
        assertThat(d.traceId).isNotBlank();
        assertThat(d.jobVersion).isEqualTo("test");
        assertThat(d.amount).isEqualTo("1250.00");
    }

    @Test
    void exactResubmissionIsHeldAndNamesTheOriginal() throws Exception {
        score(invoice("a-1").number("INV-0042").build());
        Decision d = score(invoice("a-2").number("INV-0042").day(3).invoiceDate(Fixtures.invoice("x").build().invoiceDate).build());
        assertThat(codes(d)).containsExactly(ReasonCode.DUPLICATE_EXACT);
        assertThat(d.decision).isEqualTo(DecisionType.HOLD);
        assertThat(d.matchedInvoiceIds).containsExactly("a-1");
        assertThat(d.reasons[0].detail).contains("INV-0042").contains("a-1").contains("1,250.00 EUR");
        assertThat(d.reasons[0].evidence.matchKind).isEqualTo("EXACT");
    }

    @Test
    void rekeyedNumberIsASuspect() throws Exception {
        score(invoice("a-1").number("INV-0042").build());
        Decision d = score(invoice("a-2").number("INV-0O42").day(2).build());
        assertThat(codes(d)).containsExactly(ReasonCode.DUPLICATE_SUSPECT);
        assertThat(d.decision).isNotEqualTo(DecisionType.PASS);
        assertThat(d.reasons[0].detail).isEqualTo(
                "Invoice number INV-0O42 matches INV-0042 from 2026-03-02, same amount 1,250.00 EUR");
        assertThat(d.matchedInvoiceIds).containsExactly("a-1");
    }

    @Test
    void resubmissionLateInTheLookbackIsCaughtAndAfterItIsNot() throws Exception {
        score(invoice("a-1").number("INV-0042").build());
        Decision inLookback = score(invoice("a-2").number("INV-0042").day(110).invoiceDate(invoice("x").build().invoiceDate).build());
        assertThat(codes(inLookback)).contains(ReasonCode.DUPLICATE_EXACT);
        Decision after = score(invoice("a-3").number("INV-0042").day(220).invoiceDate(invoice("x").build().invoiceDate).build());
        assertThat(codes(after)).as("a-2 at day 110 is within the lookback of a-3 at 220, a-1 is not")
                .contains(ReasonCode.DUPLICATE_EXACT);
        assertThat(after.matchedInvoiceIds).containsExactly("a-2");
    }

    @Test
    void recurringSameAmountWithSequentialNumbersIsNotADuplicate() throws Exception {
        for (int month = 0; month < 6; month++) {
            Decision d = score(invoice("sub-" + month).number(String.format("SUB-%04d", 100 + month))
                    .amount("99.00").day(30.0 * month).build());
            assertThat(d.reasons).as("month %d", month).isEmpty();
        }
    }

    @Test
    void sameNumberAtAnotherVendorOrTenantIsNotADuplicate() throws Exception {
        score(invoice("a-1").number("INV-0042").build());
        assertThat(score(invoice("b-1").vendor("V-2002").number("INV-0042").build()).reasons).isEmpty();
        assertThat(score(invoice("c-1").tenant("globex").number("INV-0042").build()).reasons).isEmpty();
    }

    @Test
    void creditNoteIsNotADuplicate() throws Exception {
        score(invoice("a-1").number("INV-0042").build());
        Decision credit = score(invoice("a-2").number("INV-0042").amount("-1250.00").day(5).build());
        assertThat(credit.reasons).isEmpty();
    }

    @Test
    void amountAnomalyOnlyAfterEnoughHistory() throws Exception {
        // 7 invoices: one short of the default minimum history of 8
        for (int i = 0; i < 7; i++) {
            score(invoice("h-" + i).number("N-" + i).amount(i % 2 == 0 ? "1000.00" : "1100.00").day(i * 7).build());
        }
        assertThat(score(invoice("early").number("N-early").amount("50000.00").day(50).build()).reasons)
                .as("no flag before enough history").isEmpty();
        score(invoice("h-8").number("N-8").amount("1050.00").day(56).build());
        score(invoice("h-9").number("N-9").amount("1000.00").day(63).build());
        Decision d = score(invoice("big").number("N-big").amount("40000.00").day(70).build());
        assertThat(codes(d)).containsExactly(ReasonCode.AMOUNT_ANOMALY);
        assertThat(d.reasons[0].evidence.zScore).isGreaterThan(3.5);
        assertThat(d.reasons[0].evidence.historySize).isEqualTo(10);
        assertThat(d.reasons[0].evidence.vendorMedian).isNotNull();
        Decision mild = score(invoice("double").number("N-double").amount("2100.00").day(72).build());
        assertThat(mild.reasons).as("a month at twice the usual is not an anomaly").isEmpty();
        Decision bigger = score(invoice("bigger").number("N-bigger").amount("400000.00").day(73).build());
        assertThat(bigger.reasons[0].score).as("score grows with distance").isGreaterThan(d.reasons[0].score);
    }

    @Test
    void newBankAccountAfterHistoryIsABankChange() throws Exception {
        Decision first = score(invoice("a-0").number("N-0").build());
        assertThat(first.reasons).isEmpty();
        for (int i = 1; i < 3; i++) {
            score(invoice("a-" + i).number("N-" + i).day(i * 30).build());
        }
        Decision change = score(invoice("a-3").number("N-3").account("GB29NWBK60161331926819").day(95).build());
        assertThat(codes(change)).containsExactly(ReasonCode.BANK_CHANGE);
        assertThat(change.decision).isEqualTo(DecisionType.REVIEW);
        assertThat(change.reasons[0].evidence.account).isEqualTo("****6819");
        Decision again = score(invoice("a-4").number("N-4").account("GB29 NWBK 6016 1331 9268 19").day(100).build());
        assertThat(again.reasons).as("a known account, written with spaces").isEmpty();
    }

    @Test
    void bankChangeWithAHighAmountIsHeld() throws Exception {
        for (int i = 0; i < 4; i++) {
            score(invoice("a-" + i).number("N-" + i).day(i * 30).build());
        }
        Decision d = score(invoice("a-9").number("N-9").amount("4000.00").account("GB29NWBK60161331926819").day(130).build());
        assertThat(codes(d)).contains(ReasonCode.BANK_CHANGE);
        assertThat(d.decision).isEqualTo(DecisionType.HOLD);
    }

    @Test
    void lateEventsAreScoredAndMarked() throws Exception {
        score(invoice("a-1").number("INV-1").day(10).build());
        harness.processWatermark(Fixtures.BASE.toEpochMilli() + 20 * DAY);
        Decision late = score(invoice("a-0").number("INV-1").day(10).build());
        assertThat(codes(late)).containsExactlyInAnyOrder(ReasonCode.DUPLICATE_EXACT, ReasonCode.LATE_EVENT);
        assertThat(late.late).isTrue();
        assertThat(late.reasons[1].evidence.lateByMillis).isEqualTo(10 * DAY);
    }

    @Test
    void lowConfidenceIsReviewed() throws Exception {
        Decision d = score(invoice("a-1").confidence(0.41).build());
        assertThat(codes(d)).containsExactly(ReasonCode.LOW_CONFIDENCE);
        assertThat(d.decision).isEqualTo(DecisionType.REVIEW);
        assertThat(score(invoice("a-2").number("X").amount("17.00").confidence(0.95).build()).reasons).isEmpty();
    }

    @Test
    void stateAndTimersAreGoneAfterTheRetention() throws Exception {
        score(invoice("a-1").number("INV-1").build());
        score(invoice("a-2").number("INV-2").day(10).build());
        score(invoice("b-1").vendor("V-2").number("INV-1").day(20).build());
        assertThat(harness.numKeyedStateEntries()).isPositive();
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        // past the lookback, the duplicate index is purged; accounts and amounts remain
        harness.processWatermark(Fixtures.BASE.toEpochMilli() + 200 * DAY);
        Decision afterLookback = score(invoice("a-3").number("INV-1").day(201).invoiceDate(invoice("x").build().invoiceDate).build());
        assertThat(codes(afterLookback)).doesNotContain(ReasonCode.DUPLICATE_EXACT);

        harness.processWatermark(Fixtures.BASE.toEpochMilli() + 2000 * DAY);
        assertThat(harness.numKeyedStateEntries()).as("state left after every retention").isZero();
        assertThat(harness.numEventTimeTimers()).as("timers left").isZero();
    }

    @Test
    void replaysYieldNoSecondDecisionAndAreNeverTheirOwnDuplicate() throws Exception {
        score(invoice("a-1").number("INV-0042").build());
        harness.processElement(invoice("a-1").number("INV-0042").build(), Fixtures.BASE.toEpochMilli());
        // the same payload two days later (Fixtures' day() would move the invoice date: other content)
        harness.processElement(invoice("a-1").number("INV-0042").day(2).invoiceDate(invoice("x").build().invoiceDate).build(),
                Fixtures.BASE.toEpochMilli() + 2 * DAY);
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.extractOutputValues().get(0).reasons).isEmpty();
        // the same id in another tenant is another invoice
        assertThat(score(invoice("a-1").tenant("globex").build()).reasons).isEmpty();
    }

    @Test
    void replayIsRememberedForTheRetentionOnly() throws Exception {
        score(invoice("a-1").number("INV-0042").build());
        harness.processWatermark(Fixtures.BASE.toEpochMilli() + 190 * DAY);
        Decision again = score(invoice("a-1").number("INV-0042").day(191).build());
        assertThat(again.invoiceId).as("past sieve.replay.retention (180 d) the id is forgotten").isEqualTo("a-1");
    }

    @Test
    void perTenantThresholdsApply() throws Exception {
        harness.close();
        settings = Fixtures.settings(Map.of("sieve.decision.tenant-thresholds", "strict:0.2:0.4"));
        harness = harness(settings);
        assertThat(score(invoice("a-1").tenant("strict").confidence(0.3).build()).decision).isEqualTo(DecisionType.HOLD);
        assertThat(score(invoice("a-2").confidence(0.3).build()).decision).isEqualTo(DecisionType.REVIEW);
    }
}
