package io.invoicesieve.functions;

import io.invoicesieve.decide.Decider;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.Fixtures;

import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flood of same-amount invoices at one vendor: the early original stays in the duplicate index, so
 * its re-keyed resubmission is still found, and a lookup that hits the comparison cap says so
 * (CANDIDATE_CAP, at least REVIEW).
 */
class CandidateCapTest {

    private static final LocalDate ORIGINAL_DATE = invoice("x").build().invoiceDate;

    private static Decision score(KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h,
            DetectorSettings settings, Invoice inv) throws Exception {
        h.processElement(inv, inv.eventTimeMillis());
        List<Decision> out = h.extractOutputValues();
        return Decider.decide(out.get(out.size() - 1), settings.thresholds);
    }

    private static Reason reason(Decision d, ReasonCode code) {
        return Arrays.stream(d.reasons).filter(r -> r.code == code).findFirst().orElse(null);
    }

    /** 10,000 invoices of the original's amount and date under random numbers, then its resubmission. */
    @Test
    void aFloodOnTheOriginalsDateNeitherHidesItNorPassesUnseen() throws Exception {
        DetectorSettings settings = Fixtures.settings(); // 200 comparisons, buckets of 800
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h = InvoiceScorerTest.harness(settings)) {
            Decision original = score(h, settings, invoice("orig").number("INV-0042").build());
            assertThat(original.reasons).isEmpty();
            SplittableRandom r = new SplittableRandom(42);
            Decision flooded = null;
            for (int i = 0; i < 10_000; i++) {
                flooded = score(h, settings, invoice("flood-" + i).number("FL-" + (10_000_000 + r.nextInt(89_999_999)))
                        .day(1 + i / 1000.0).invoiceDate(ORIGINAL_DATE).build());
            }
            Reason cap = reason(flooded, ReasonCode.CANDIDATE_CAP);
            assertThat(cap).as("a flooded lookup says it compared only part: %s", flooded).isNotNull();
            assertThat(cap.evidence.candidatesCompared).isEqualTo(200);
            assertThat(cap.evidence.comparisonCap).isEqualTo(200);
            assertThat(cap.evidence.candidatesTotal).isEqualTo(800);
            assertThat(flooded.decision).isNotEqualTo(DecisionType.PASS);

            // the real duplicate: the original's amount and date, its number with a suffix
            Decision resub = score(h, settings, invoice("resub").number("INV-0042-1").day(12)
                    .invoiceDate(ORIGINAL_DATE).build());
            Reason dup = reason(resub, ReasonCode.DUPLICATE_SUSPECT);
            assertThat(dup).as("the early original is still found: %s", resub).isNotNull();
            assertThat(dup.evidence.matchedInvoiceIds[0]).isEqualTo("orig");
            assertThat(dup.evidence.matchKind).isEqualTo("NUMBER_AFFIX");
            assertThat(reason(resub, ReasonCode.CANDIDATE_CAP)).isNotNull();
            assertThat(resub.decision).isEqualTo(DecisionType.HOLD);
        }
    }

    /** The flood spread over other dates: evicts its own newest entries, not the original. */
    @Test
    void aFloodOverOtherDatesEvictsItselfNotTheOriginal() throws Exception {
        DetectorSettings settings = Fixtures.settings(Map.of("sieve.duplicates.max-comparisons", "20")); // buckets of 80
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h = InvoiceScorerTest.harness(settings)) {
            score(h, settings, invoice("orig").number("INV-0042").build());
            SplittableRandom r = new SplittableRandom(7);
            for (int i = 0; i < 2_000; i++) {
                score(h, settings, invoice("flood-" + i).number("FL-" + (10_000_000 + r.nextInt(89_999_999)))
                        .day(1 + i / 100.0).invoiceDate(ORIGINAL_DATE.plusDays(10 + r.nextInt(100))).build());
            }
            Decision resub = score(h, settings, invoice("resub").number("INV-0042-1").day(25)
                    .invoiceDate(ORIGINAL_DATE).build());
            Reason dup = reason(resub, ReasonCode.DUPLICATE_SUSPECT);
            assertThat(dup).as("the early original is still found: %s", resub).isNotNull();
            assertThat(dup.evidence.matchedInvoiceIds[0]).isEqualTo("orig");
            assertThat(reason(resub, ReasonCode.CANDIDATE_CAP)).as("nothing dated near it was left out").isNull();
        }
    }

    /** A lenient tenant's thresholds do not let a capped lookup pass. */
    @Test
    void aCappedLookupIsAtLeastReviewWhateverTheThresholds() throws Exception {
        DetectorSettings settings = Fixtures.settings(Map.of(
                "sieve.duplicates.max-comparisons", "3", "sieve.decision.tenant-thresholds", "lenient:0.9:0.95"));
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h = InvoiceScorerTest.harness(settings)) {
            Decision last = null;
            for (int i = 0; i < 5; i++) {
                // monthly, same amount, other numbers and dates: no duplicate, but all in the amount bucket
                last = score(h, settings, invoice("m-" + i).tenant("lenient").number("M-" + i).day(i * 2)
                        .invoiceDate(ORIGINAL_DATE).build());
            }
            Reason cap = reason(last, ReasonCode.CANDIDATE_CAP);
            assertThat(cap).isNotNull();
            Evidence e = cap.evidence;
            assertThat(e.candidatesCompared).isEqualTo(3);
            assertThat(e.candidatesTotal).isEqualTo(4);
            assertThat(cap.detail).contains("Compared 3 of 4");
            assertThat(last.decision).isEqualTo(DecisionType.REVIEW);
        }
    }
}
