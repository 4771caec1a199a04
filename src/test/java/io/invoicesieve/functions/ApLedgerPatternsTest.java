package io.invoicesieve.functions;

import io.invoicesieve.decide.Decider;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.Fixtures;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import static io.invoicesieve.testing.Fixtures.DAY;
import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The duplicate patterns of real accounts-payable ledgers and their traps, through the operators:
 * high-volume suppliers (the vendor-keyed scorer), reversal and re-entry, credit notes entered
 * twice, and the same invoice under two vendor ids of one tenant (the account-keyed stage).
 */
class ApLedgerPatternsTest {

    private static final String IBAN = "DE89370400440532013000";

    private KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> scorer;
    private KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> accounts;
    private DetectorSettings settings;

    @BeforeEach
    void setUp() throws Exception {
        settings = Fixtures.settings();
        scorer = InvoiceScorerTest.harness(settings);
        accounts = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AccountSharing(settings)), AccountSharing::key, Types.STRING);
        accounts.getExecutionConfig().disableGenericTypes();
        accounts.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        scorer.close();
        accounts.close();
    }

    /** Through the scorer alone, decided as the last stage would. */
    private Decision score(Invoice inv) throws Exception {
        int before = scorer.extractOutputValues().size();
        scorer.processElement(inv, inv.eventTimeMillis());
        assertThat(scorer.extractOutputValues()).hasSize(before + 1);
        return Decider.decide(scorer.extractOutputValues().get(before), settings.thresholds);
    }

    /** Through both keyed stages, as in the job. */
    private Decision both(Invoice inv) throws Exception {
        int before = scorer.extractOutputValues().size();
        scorer.processElement(inv, inv.eventTimeMillis());
        Decision drafted = scorer.extractOutputValues().get(before);
        int out = accounts.extractOutputValues().size();
        accounts.processElement(drafted, inv.eventTimeMillis());
        assertThat(accounts.extractOutputValues()).hasSize(out + 1);
        return accounts.extractOutputValues().get(out);
    }

    private static List<ReasonCode> codes(Decision d) {
        return Arrays.stream(d.reasons).map(r -> r.code).toList();
    }

    private static Reason reason(Decision d, ReasonCode code) {
        return Arrays.stream(d.reasons).filter(r -> r.code == code).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------ high-volume suppliers

    @Test
    void aHighVolumeSuppliersSameAmountsOnOneDateAreNotFlaggedOnceThatIsItsHabit() throws Exception {
        String[] prices = {"49.90", "12.50"};
        int seq = 1000;
        int flagged = 0;
        for (int day = 0; day < 10; day++) {
            for (int i = 0; i < 6; i++) {
                Decision d = score(invoice("hv-" + seq).vendor("V-CARRIER").number("SHP-" + seq++)
                        .amount(prices[i % 2]).day(day + i * 0.01).build());
                if (d.decision != DecisionType.PASS) {
                    flagged++;
                    assertThat(day).as("only the first repeats of each price point, on day 0").isZero();
                }
            }
        }
        assertThat(flagged).as("at most one coincidence per price point before the habit is learnt").isLessThanOrEqualTo(2);

        // exact and equivalent-number resubmissions at the supplier are still caught
        Decision exact = score(invoice("hv-resub").vendor("V-CARRIER").number("SHP-1003").amount("12.50")
                .day(12).invoiceDate(LocalDate.of(2026, 3, 2)).build());
        assertThat(codes(exact)).containsExactly(ReasonCode.DUPLICATE_EXACT);
        assertThat(exact.matchedInvoiceIds[0]).as("strongest match first").isEqualTo("hv-1003");
        Decision rekeyed = score(invoice("hv-rekey").vendor("V-CARRIER").number("shp 1004").amount("49.90")
                .day(13).build());
        assertThat(codes(rekeyed)).containsExactly(ReasonCode.DUPLICATE_SUSPECT);
        assertThat(rekeyed.matchedInvoiceIds[0]).isEqualTo("hv-1004");
    }

    @Test
    void anOrdinaryVendorsSameAmountAndDateUnderANewNumberIsStillFlagged() throws Exception {
        // the vendor repeated this amount on other dates (monthly), never twice on one date
        for (int m = 0; m < 4; m++) {
            score(invoice("m-" + m).number("INV-" + (500 + m)).amount("480.00").day(30.0 * m).build());
        }
        Decision d = score(invoice("new-number").number("RE-99812").amount("480.00").day(95)
                .invoiceDate(LocalDate.of(2026, 5, 31)).build());
        assertThat(codes(d)).containsExactly(ReasonCode.DUPLICATE_SUSPECT);
        assertThat(d.reasons[0].evidence.matchKind).isEqualTo("SAME_AMOUNT_AND_DATE");
    }

    @Test
    void aSupplierWithFixedPricePointsIsNotAnAmountAnomalyAtItsOtherPrice() throws Exception {
        // mostly 400.00, sometimes 9.99: the median is 400, 9.99 is a price point of its own
        int n = 0;
        for (int i = 0; i < 30; i++) {
            String amount = i % 5 == 4 ? "9.99" : "400.00";
            Decision d = score(invoice("pp-" + i).vendor("V-TEL").number("T-" + (100 + i)).amount(amount).day(i * 2).build());
            if (codes(d).contains(ReasonCode.AMOUNT_ANOMALY)) {
                n++;
            }
        }
        assertThat(n).as("only before the vendor billed 9.99 twice").isLessThanOrEqualTo(2);
        Decision outlier = score(invoice("pp-out").vendor("V-TEL").number("T-999").amount("20000.00").day(70).build());
        assertThat(codes(outlier)).containsExactly(ReasonCode.AMOUNT_ANOMALY);
    }

    // ------------------------------------------------------------ reversal and re-entry

    @Test
    void anInvoiceReversedInFullAndEnteredAgainIsACorrectionAndAThirdEntryIsADuplicate() throws Exception {
        score(invoice("x").number("INV-7001").amount("980.00").build());
        Decision credit = score(invoice("cn").number("CN-311").amount("-980.00").day(5)
                .description("Credit note for INV-7001").build());
        assertThat(credit.reasons).isEmpty();
        Decision reentry = score(invoice("r").number("INV-7001").amount("980.00").day(8)
                .invoiceDate(LocalDate.of(2026, 3, 2)).build());
        assertThat(reentry.reasons).as("entered again after a full reversal").isEmpty();
        Decision third = score(invoice("t").number("INV-7001").amount("980.00").day(20)
                .invoiceDate(LocalDate.of(2026, 3, 2)).build());
        assertThat(codes(third)).containsExactly(ReasonCode.DUPLICATE_EXACT);
        assertThat(third.matchedInvoiceIds).containsExactly("r");
    }

    @Test
    void aPartialCreditNoteCancelsNothing() throws Exception {
        score(invoice("x").number("INV-7002").amount("980.00").build());
        score(invoice("cn").number("CN-312").amount("-120.00").day(5).description("Credit note for INV-7002").build());
        Decision again = score(invoice("again").number("INV-7002").amount("980.00").day(9)
                .invoiceDate(LocalDate.of(2026, 3, 2)).build());
        assertThat(codes(again)).containsExactly(ReasonCode.DUPLICATE_EXACT);
        assertThat(again.matchedInvoiceIds).containsExactly("x");
    }

    @Test
    void aReversalNamesItsInvoiceAmongSeveralOfTheSameAmountOrCancelsNothing() throws Exception {
        score(invoice("a").number("INV-8001").amount("49.90").build());
        score(invoice("b").number("INV-8002").amount("49.90").day(1).build());
        // the credit note names INV-8002: that one is reversed, INV-8001 is not
        score(invoice("cn").number("CN-1").amount("-49.90").day(3).description("Credit memo re INV-8002").build());
        assertThat(score(invoice("b2").number("INV-8002").amount("49.90").day(4)
                .invoiceDate(LocalDate.of(2026, 3, 3)).build()).reasons).isEmpty();
        assertThat(codes(score(invoice("a2").number("INV-8001").amount("49.90").day(5)
                .invoiceDate(LocalDate.of(2026, 3, 2)).build()))).containsExactly(ReasonCode.DUPLICATE_EXACT);

        // without a reference and two candidates, nothing is cancelled
        score(invoice("c").vendor("V-2").number("INV-9001").amount("75.00").build());
        score(invoice("d").vendor("V-2").number("INV-9002").amount("75.00").day(1).build());
        score(invoice("cn2").vendor("V-2").number("CN-2").amount("-75.00").day(3).description("returned goods").build());
        assertThat(codes(score(invoice("c2").vendor("V-2").number("INV-9001").amount("75.00").day(4)
                .invoiceDate(LocalDate.of(2026, 3, 2)).build()))).containsExactly(ReasonCode.DUPLICATE_EXACT);
    }

    @Test
    void aCreditNoteEnteredTwiceIsADuplicateAndNeverMatchesAnInvoice() throws Exception {
        score(invoice("x").number("INV-7003").amount("300.00").build());
        Decision cn = score(invoice("cn").number("CN-400").amount("-300.00").day(2).description("Credit note for INV-7003").build());
        assertThat(cn.reasons).isEmpty();
        Decision twice = score(invoice("cn-again").number("CN-400").amount("-300.00").day(6)
                .invoiceDate(LocalDate.of(2026, 3, 4)).description("Credit note for INV-7003").build());
        assertThat(codes(twice)).containsExactly(ReasonCode.DUPLICATE_EXACT);
        assertThat(twice.matchedInvoiceIds).containsExactly("cn");
        Decision rekeyed = score(invoice("cn-3").number("CN 0400").amount("-300.00").day(7)
                .invoiceDate(LocalDate.of(2026, 3, 4)).build());
        assertThat(codes(rekeyed)).containsExactly(ReasonCode.DUPLICATE_SUSPECT);
        // an invoice with the credit note's number and amount is no duplicate of it
        assertThat(score(invoice("inv").number("CN-400").amount("300.00").day(8).build()).reasons).isEmpty();
    }

    @Test
    void creditNotesAndReversalsLeaveNoStateBehind() throws Exception {
        score(invoice("x").number("INV-1").amount("980.00").build());
        score(invoice("cn").number("CN-1").amount("-980.00").day(5).description("Credit note for INV-1").build());
        score(invoice("cn2").number("CN-2").amount("-10.00").day(6).build());
        scorer.processWatermark(Fixtures.BASE.toEpochMilli() + 2000 * DAY);
        assertThat(scorer.numKeyedStateEntries()).isZero();
        assertThat(scorer.numEventTimeTimers()).isZero();
    }

    // ------------------------------------------------------------ vendor-master duplicates

    @Test
    void theSameInvoiceUnderAVendorTwinOnTheSameAccountIsADuplicate() throws Exception {
        both(invoice("a-1").vendor("V-1").number("INV-2026-0042").account(IBAN).build());
        both(invoice("a-2").vendor("V-1").number("INV-2026-0043").amount("310.00").account(IBAN).day(2).build());
        Decision twin = both(invoice("b-1").vendor("V-1-DUP").number("INV-2026-0042").account(IBAN).day(6)
                .invoiceDate(LocalDate.of(2026, 3, 2)).build());
        assertThat(codes(twin)).containsExactlyInAnyOrder(ReasonCode.BANK_SHARED, ReasonCode.DUPLICATE_EXACT);
        Reason dup = reason(twin, ReasonCode.DUPLICATE_EXACT);
        assertThat(dup.evidence.matchKind).isEqualTo("CROSS_VENDOR");
        assertThat(dup.evidence.otherVendorIds).containsExactly("V-1");
        assertThat(dup.detail).contains("V-1").contains("V-1-DUP").contains("a-1");
        assertThat(twin.matchedInvoiceIds).containsExactly("a-1");
        assertThat(twin.decision).isEqualTo(DecisionType.HOLD);

        // re-keyed (zero padding in a group, OCR) and a day apart: a suspect
        Decision rekeyed = both(invoice("b-2").vendor("V-1-DUP").number("INV-2026-043").amount("310.00")
                .account(IBAN).day(9).invoiceDate(LocalDate.of(2026, 3, 5)).build());
        assertThat(codes(rekeyed)).containsExactly(ReasonCode.DUPLICATE_SUSPECT);
        assertThat(rekeyed.matchedInvoiceIds).containsExactly("a-2");
        assertThat(rekeyed.decision).isEqualTo(DecisionType.HOLD);
    }

    @Test
    void crossVendorTrapsAreLeftAlone() throws Exception {
        both(invoice("a-1").vendor("V-1").number("INV-100").account(IBAN).build());
        both(invoice("b-0").vendor("V-2").number("INV-7").amount("55.00").account(IBAN).day(1).build());
        assertThat(both(invoice("b-1").vendor("V-2").number("INV-100").amount("1250.01").account(IBAN).day(2).build()).reasons)
                .as("another amount").isEmpty();
        assertThat(both(invoice("b-2").vendor("V-2").number("INV-100").account(IBAN).day(20)
                .invoiceDate(LocalDate.of(2026, 3, 20)).build()).reasons).as("invoice dates 18 days apart").isEmpty();
        assertThat(both(invoice("b-3").vendor("V-2").number("INV-101").account(IBAN).day(3)
                .invoiceDate(LocalDate.of(2026, 3, 2)).build()).reasons).as("another number, same amount and date").isEmpty();
        assertThat(both(invoice("a-2").vendor("V-1").number("INV-100").account(IBAN).day(4)
                .invoiceDate(LocalDate.of(2026, 3, 2)).build()).matchedInvoiceIds)
                .as("the same vendor: the scorer's duplicate, named once").containsExactly("a-1");
        assertThat(both(invoice("c-1").vendor("V-3").number("INV-100").account("GB29NWBK60161331926819").day(5)
                .invoiceDate(LocalDate.of(2026, 3, 2)).build()).reasons).as("another account").isEmpty();
        assertThat(both(invoice("n-1").vendor("V-4").number("INV-100").account(null).day(5)
                .invoiceDate(LocalDate.of(2026, 3, 2)).build()).reasons).as("no account").isEmpty();
    }

    @Test
    void theCrossVendorMatchNeverCrossesTenants() throws Exception {
        both(invoice("a-1").tenant("acme").vendor("V-1").number("INV-100").account(IBAN).build());
        Decision other = both(invoice("g-1").tenant("globex").vendor("V-2").number("INV-100").account(IBAN).day(1)
                .invoiceDate(LocalDate.of(2026, 3, 2)).build());
        assertThat(other.reasons).isEmpty();
        Decision sameId = both(invoice("g-2").tenant("globex").vendor("V-1").number("INV-100").account(IBAN).day(2)
                .invoiceDate(LocalDate.of(2026, 3, 2)).build());
        assertThat(codes(sameId)).as("globex's V-1 vs globex's V-2, not acme's invoice")
                .containsExactlyInAnyOrder(ReasonCode.BANK_SHARED, ReasonCode.DUPLICATE_EXACT);
        assertThat(sameId.matchedInvoiceIds).containsExactly("g-1");
    }

    @Test
    void theAccountsInvoicesAreForgottenAfterTheLookbackAndEverythingAfterTheRetention() throws Exception {
        both(invoice("a-1").vendor("V-1").number("INV-100").account(IBAN).build());
        accounts.processWatermark(Fixtures.BASE.toEpochMilli() + 130 * DAY);
        Decision late = both(invoice("b-1").vendor("V-2").number("INV-100").account(IBAN).day(131)
                .invoiceDate(LocalDate.of(2026, 3, 2)).build());
        assertThat(codes(late)).as("past the 120-day lookback").containsExactly(ReasonCode.BANK_SHARED);
        assertThat(accounts.numEventTimeTimers()).isEqualTo(1);

        accounts.processWatermark(Fixtures.BASE.toEpochMilli() + 2000 * DAY);
        assertThat(accounts.numKeyedStateEntries()).as("state left after every retention").isZero();
        assertThat(accounts.numEventTimeTimers()).isZero();
    }
}
