package io.invoicesieve.functions;

import io.invoicesieve.decide.Decider;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.amounts.RobustStats;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.Fixtures;

import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static io.invoicesieve.testing.Fixtures.DAY;
import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Promises of jobs/invoice-sieve/README.md that the other scorer tests leave undefended, each at its
 * boundary: a replay is suppressed for the whole of sieve.replay.retention (180 d), and an amount
 * needs both the robust z and sieve.amount.min-ratio (4x) to be an anomaly.
 */
class ScorerPromisesTest {

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
        List<Decision> out = harness.extractOutputValues();
        assertThat(out).as("one decision for %s", inv.invoiceId).hasSize(before + 1);
        return Decider.decide(out.get(out.size() - 1), settings.thresholds);
    }

    private static List<ReasonCode> codes(Decision d) {
        return Arrays.stream(d.reasons).map(r -> r.code).toList();
    }

    @Test
    void theDocumentedRetentionIs180Days() {
        assertThat(settings.replayRetentionMillis).isEqualTo(Duration.ofDays(180).toMillis());
    }

    @Test
    void aReplayIsSuppressedUpToTheEndOf180Days() throws Exception {
        score(invoice("a-1").number("INV-0042").build());
        // every cleanup timer up to day 179 fires (the first is due after the 120-day lookback)
        harness.processWatermark(Fixtures.BASE.toEpochMilli() + 179 * DAY);
        // the same payload (Fixtures' day() would move the invoice date: other content, CHANGED_REDELIVERY)
        Invoice replay = invoice("a-1").number("INV-0042").day(179.5).invoiceDate(invoice("x").build().invoiceDate).build();
        harness.processElement(replay, replay.eventTimeMillis());
        assertThat(harness.extractOutputValues()).as("a re-delivery 179.5 days later yields no decision")
                .extracting(d -> d.invoiceId).containsExactly("a-1");
        // the id is still remembered: the duplicate index forgot the invoice (lookback 120 d), the
        // replay filter did not
        assertThat(harness.numKeyedStateEntries()).isPositive();

        // and it is forgotten once the retention has passed
        harness.processWatermark(Fixtures.BASE.toEpochMilli() + 190 * DAY);
        Decision again = score(invoice("a-1").number("INV-0042").day(191).build());
        assertThat(again.invoiceId).isEqualTo("a-1");
    }

    /** Ten invoices of 1,000.00 a week apart: median log(1000), MAD 0, so the spread is the MAD floor. */
    private void steadyVendor() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(score(invoice("h-" + i).number("N-" + (100 + i)).amount("1000.00").day(i * 7).build()).reasons)
                    .isEmpty();
        }
    }

    @Test
    void threeTimesTheMedianIsNoAnomalyEvenWithARobustZAboveTheThreshold() throws Exception {
        steadyVendor();
        // the z alone would flag it: 0.6745 * log 3 / MAD floor = 5.3 >= 4
        double z = 0.6745 * Math.log(3) / RobustStats.MAD_FLOOR;
        assertThat(z).isGreaterThan(settings.amountZThreshold);
        assertThat(settings.amountMinRatio).isEqualTo(4.0);

        Decision triple = score(invoice("triple").number("N-triple").amount("3000.00").day(71).build());
        assertThat(codes(triple)).as("3x the median, below sieve.amount.min-ratio").isEmpty();
        assertThat(triple.decision).isEqualTo(DecisionType.PASS);
        Decision third = score(invoice("third").number("N-third").amount("333.34").day(72).build());
        assertThat(codes(third)).as("1/3 of the median, above 1 / sieve.amount.min-ratio").isEmpty();
        Decision almost = score(invoice("almost").number("N-almost").amount("3900.00").day(73).build());
        assertThat(codes(almost)).as("3.9x").isEmpty();
    }

    @Test
    void atTheMinRatioAboveOrBelowTheMedianItIsAnAnomaly() throws Exception {
        steadyVendor();
        Decision high = score(invoice("high").number("N-high").amount("4100.00").day(71).build());
        assertThat(codes(high)).containsExactly(ReasonCode.AMOUNT_ANOMALY);
        assertThat(high.reasons[0].evidence.ratioToMedian).isCloseTo(4.1, within(1e-3));
        assertThat(high.reasons[0].evidence.vendorMedian).isEqualTo("1000.00");
        assertThat(high.reasons[0].evidence.vendorSpread).isEqualTo(RobustStats.MAD_FLOOR);
        assertThat(high.reasons[0].evidence.historySize).isEqualTo(10);
        // z = 0.6745 * log 4.1 / 0.1398, score 0.55 + 0.35 * (1 - 4 / z)
        double z = 0.6745 * Math.log(4.1) / RobustStats.MAD_FLOOR;
        assertThat(high.reasons[0].evidence.zScore).isCloseTo(z, within(0.005));
        assertThat(high.reasons[0].score).isCloseTo(0.55 + 0.35 * (1 - 4 / z), within(1e-4));
        assertThat(high.reasons[0].detail).isEqualTo(
                "Amount 4,100.00 EUR is 4.1x the vendor's median 1,000.00 EUR over 10 invoices (robust z 6.8)");
        assertThat(high.decision).isEqualTo(DecisionType.REVIEW);

        Decision low = score(invoice("low").number("N-low").amount("240.00").day(72).build());
        assertThat(codes(low)).containsExactly(ReasonCode.AMOUNT_ANOMALY);
        assertThat(low.reasons[0].evidence.zScore).isNegative();
        assertThat(low.reasons[0].evidence.ratioToMedian).isCloseTo(0.24, within(1e-3));
        assertThat(low.reasons[0].detail).contains("is 1/4 of the vendor's median 1,000.00 EUR over 11 invoices");
    }

    @Test
    void anAmountAnomalyNeedsTheMinimumHistory() throws Exception {
        for (int i = 0; i < 7; i++) {
            score(invoice("h-" + i).number("N-" + (100 + i)).amount("1000.00").day(i * 7).build());
        }
        assertThat(codes(score(invoice("big-7").number("N-big7").amount("9000.00").day(50).build())))
                .as("7 invoices of history: one short of sieve.amount.min-history").isEmpty();
        // the outlier itself is now the 8th sample: the next one is checked
        assertThat(codes(score(invoice("big-8").number("N-big8").amount("9500.00").day(51).build())))
                .containsExactly(ReasonCode.AMOUNT_ANOMALY);
    }

    @Test
    void zeroAndNegativeAmountsAreNeitherCheckedNorRemembered() throws Exception {
        steadyVendor();
        assertThat(codes(score(invoice("credit").number("CN-1").amount("-9000.00").day(71).build()))).isEmpty();
        assertThat(codes(score(invoice("zero").number("Z-1").amount("0.00").day(72).build()))).isEmpty();
        Decision high = score(invoice("high").number("N-high").amount("5000.00").day(73).build());
        assertThat(high.reasons[0].evidence.historySize).as("the credit note and the zero are not in the history")
                .isEqualTo(10);
    }
}
