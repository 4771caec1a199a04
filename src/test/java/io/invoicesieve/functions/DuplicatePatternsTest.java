package io.invoicesieve.functions;

import io.invoicesieve.decide.Decider;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.Fixtures;

import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/** Each duplicate pattern the job must catch and each trap it must leave alone, through the operator. */
class DuplicatePatternsTest {

    private KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> harness;
    private DetectorSettings settings;

    @BeforeEach
    void setUp() throws Exception {
        settings = Fixtures.settings();
        harness = InvoiceScorerTest.harness(settings);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private Decision score(Invoice inv) throws Exception {
        int before = harness.extractOutputValues().size();
        harness.processElement(inv, inv.eventTimeMillis());
        assertThat(harness.extractOutputValues()).hasSize(before + 1);
        // the scorer drafts; the last stage (AccountSharing) decides with the same Decider
        return Decider.decide(harness.extractOutputValues().get(before), settings.thresholds);
    }

    private static List<ReasonCode> codes(Decision d) {
        return Arrays.stream(d.reasons).map(r -> r.code).toList();
    }

    @ParameterizedTest(name = "{0} resubmitted as {1}")
    @CsvSource({
        // OCR confusions
        "INV-2026-0042, INV-2O26-OO42",
        "AMC1234, AMCI234",
        "SB-5521, 58-SS21",
        "ZG-1001, 26-IOOI",
        // separators, spaces, case
        "F/2026/123, F-2026-123",
        "SI 004512, si004512",
        // leading zeros
        "00012345, 12345",
        "X-16-0265, X-16-265",
        "2026-03-2089, 2026-03-02089",
        // prefix or suffix added or dropped
        "AMC1234, AR-AMC1234",
        "INV-0042A, INV-0042",
        "89091, 89091-COPY",
        "SI 004614, No. SI 4614",
    })
    void rekeyedNumbersWithTheSameAmountAreCaught(String original, String resubmitted) throws Exception {
        score(invoice("orig").number(original).build());
        Decision d = score(invoice("resub").number(resubmitted).day(4).invoiceDate(LocalDate.of(2026, 3, 4)).build());
        assertThat(codes(d)).containsExactly(ReasonCode.DUPLICATE_SUSPECT);
        assertThat(d.matchedInvoiceIds).containsExactly("orig");
        assertThat(d.decision).isNotEqualTo(DecisionType.PASS);
    }

    @ParameterizedTest(name = "{0} resubmitted as {1}")
    @CsvSource({"1250.00, 1520.00", "1250.00, 1250.01", "1250.00, 1258.00", "4821.37, 4812.37"})
    void sameNumberWithAnAmountTypoIsCaught(String original, String typo) throws Exception {
        score(invoice("orig").number("INV-77").amount(original).build());
        Decision d = score(invoice("resub").number("INV-77").amount(typo).day(2).build());
        assertThat(codes(d)).containsExactly(ReasonCode.DUPLICATE_SUSPECT);
        assertThat(d.reasons[0].evidence.matchKind).isEqualTo("AMOUNT_TYPO");
    }

    @Test
    void sameAmountAndDateUnderANewNumberIsCaught() throws Exception {
        score(invoice("orig").number("INV-0042").build());
        Decision d = score(invoice("resub").number("RE-99812").day(20).invoiceDate(LocalDate.of(2026, 3, 2)).build());
        assertThat(codes(d)).containsExactly(ReasonCode.DUPLICATE_SUSPECT);
        assertThat(d.reasons[0].evidence.matchKind).isEqualTo("SAME_AMOUNT_AND_DATE");
        assertThat(d.matchedInvoiceIds).containsExactly("orig");
    }

    @Test
    void exactResubmissionAnywhereInTheLookbackIsHeld() throws Exception {
        score(invoice("orig").number("INV-0042").build());
        Decision d = score(invoice("resub").number("INV-0042").day(89).invoiceDate(LocalDate.of(2026, 3, 2)).build());
        assertThat(codes(d)).containsExactly(ReasonCode.DUPLICATE_EXACT);
        assertThat(d.decision).isEqualTo(DecisionType.HOLD);
    }

    @Test
    void differentAmountsUnderSimilarNumbersAreNotDuplicates() throws Exception {
        score(invoice("a").number("INV-0042").amount("1250.00").build());
        assertThat(score(invoice("b").number("INV-0O42").amount("310.00").day(1).build()).reasons)
                .as("similar number, unrelated amount").isEmpty();
    }

    @Test
    void weeklyRecurringSameAmountIsNotADuplicate() throws Exception {
        for (int week = 0; week < 12; week++) {
            Decision d = score(invoice("w" + week).number("CLN-" + (500 + week)).amount("480.00").day(7.0 * week).build());
            assertThat(d.reasons).as("week %d", week).isEmpty();
        }
    }

    @Test
    void creditNoteForTheExactAmountIsNotADuplicate() throws Exception {
        score(invoice("inv").number("INV-9").amount("800.00").build());
        assertThat(score(invoice("cn").number("CN-9").amount("-800.00").day(3).build()).reasons).isEmpty();
        assertThat(score(invoice("cn2").number("INV-9").amount("-800.00").day(4).build()).reasons).isEmpty();
    }

    @Test
    void tenantsAndVendorsAreIsolated() throws Exception {
        score(invoice("a").tenant("acme").vendor("V-1").number("INV-1").build());
        assertThat(score(invoice("b").tenant("globex").vendor("V-1").number("INV-1").build()).reasons).isEmpty();
        assertThat(score(invoice("c").tenant("acme").vendor("V-2").number("INV-1").build()).reasons).isEmpty();
        assertThat(codes(score(invoice("d").tenant("acme").vendor("V-1").number("INV-1").day(1)
                .invoiceDate(LocalDate.of(2026, 3, 2)).build()))).containsExactly(ReasonCode.DUPLICATE_EXACT);
    }

    @Test
    void matchedInvoiceIdsNameAllOriginals() throws Exception {
        score(invoice("o1").number("INV-5").build());
        score(invoice("o2").number("INV-5").day(1).invoiceDate(LocalDate.of(2026, 3, 2)).build());
        Decision d = score(invoice("o3").number("INV-5").day(2).invoiceDate(LocalDate.of(2026, 3, 2)).build());
        assertThat(d.matchedInvoiceIds).containsExactlyInAnyOrder("o1", "o2");
        assertThat(d.reasons[0].detail).contains("and 1 more");
    }
}
