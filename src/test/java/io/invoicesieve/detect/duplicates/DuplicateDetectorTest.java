package io.invoicesieve.detect.duplicates;

import io.invoicesieve.state.SeenInvoice;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class DuplicateDetectorTest {

    private static SeenInvoice seen(String id, String number, long milli, int day) {
        return DuplicateDetector.probe(id, number, milli, "EUR", day, day * 86_400_000L);
    }

    @ParameterizedTest(name = "{0} ~ {1}")
    @CsvSource({
        "INV-0O42, INV-0042",
        "inv 0042, INV-0042",
        "INV42, INV-0042",
        "00012345, 12345",
        "SI 004512, SI004512",
        "F/2026/123, F-2026-123",
        "AMC1234, AMCI234",
        "A-77-1203, A77-12O3",
        "5B-ZG-1, SB-26-1",
    })
    void ocrConfusionsSeparatorsCaseAndLeadingZerosNormalizeAlike(String a, String b) {
        assertThat(InvoiceNumbers.normalize(a)).isEqualTo(InvoiceNumbers.normalize(b));
    }

    @ParameterizedTest(name = "{0} !~ {1}")
    @CsvSource({"INV-0042, INV-0043", "2026-03-0042, 2026-04-0042", "AMC1234, AMC1243"})
    void sequentialNumbersStayApart(String a, String b) {
        assertThat(InvoiceNumbers.normalize(a)).isNotEqualTo(InvoiceNumbers.normalize(b));
    }

    @Test
    void affixedNumbersAreVariants() {
        assertThat(InvoiceNumbers.affixVariant(
                InvoiceNumbers.normalize("AR-AMC1234"), InvoiceNumbers.normalize("AMC1234"), 3)).isTrue();
        assertThat(InvoiceNumbers.affixVariant(
                InvoiceNumbers.normalize("INV-0042A"), InvoiceNumbers.normalize("INV-0042"), 3)).isTrue();
        assertThat(InvoiceNumbers.affixVariant("12", "123", 3)).as("too short to say").isFalse();
        assertThat(InvoiceNumbers.affixVariant("ABCD", "XXXXABCD", 3)).as("affix too long").isFalse();
    }

    @Test
    void amountTypos() {
        assertThat(InvoiceNumbers.amountTypo(1_250_000, 1_250_010)).as("a penny").isTrue();
        assertThat(InvoiceNumbers.amountTypo(1_250_000, 1_520_000)).as("transposed").isTrue();
        assertThat(InvoiceNumbers.amountTypo(1_250_000, 1_400_000)).as("12% off").isFalse();
    }

    @Test
    void matchKinds() {
        SeenInvoice original = seen("a", "INV-0042", 1_250_000, 100);
        assertThat(DuplicateDetector.match(seen("b", "INV-0042", 1_250_000, 100), original, 7))
                .isEqualTo(MatchKind.EXACT);
        assertThat(DuplicateDetector.match(seen("b", "INV-OO42", 1_250_000, 102), original, 7))
                .isEqualTo(MatchKind.NUMBER_EQUIVALENT);
        assertThat(DuplicateDetector.match(seen("b", "AR-INV-0042", 1_250_000, 101), original, 7))
                .isEqualTo(MatchKind.NUMBER_AFFIX);
        assertThat(DuplicateDetector.match(seen("b", "INV-0042", 1_250_100, 100), original, 7))
                .isEqualTo(MatchKind.AMOUNT_TYPO);
        assertThat(DuplicateDetector.match(seen("b", "X-99812", 1_250_000, 100), original, 7))
                .isEqualTo(MatchKind.SAME_AMOUNT_AND_DATE);
        // traps
        assertThat(DuplicateDetector.match(seen("b", "INV-0043", 1_250_000, 130), original, 7))
                .as("monthly recurring").isNull();
        assertThat(DuplicateDetector.match(seen("b", "INV-0042", -1_250_000, 110), original, 7))
                .as("credit note").isNull();
        assertThat(DuplicateDetector.match(seen("b", "INV-0042", 1_250_000, 100),
                DuplicateDetector.probe("a", "INV-0042", 1_250_000, "USD", 100, 0), 7))
                .as("other currency").isNull();
    }

    @Test
    void neverMatchesItselfAndCapsComparisons() {
        SeenInvoice probe = seen("same", "INV-1", 1_000, 5);
        SeenInvoice[] bucket = new SeenInvoice[300];
        for (int i = 0; i < bucket.length; i++) {
            bucket[i] = seen("other-" + i, "R-" + i, 1_000, 5 - 30 - i);
        }
        bucket[0] = seen("same", "INV-1", 1_000, 5);
        DuplicateDetector.Result r = DuplicateDetector.find(probe, new SeenInvoice[][] {bucket}, Long.MAX_VALUE, 7, 200);
        assertThat(r.kind).isNull();
        assertThat(r.compared).isEqualTo(200);
        assertThat(r.capHit).isTrue();
    }

    @ParameterizedTest(name = "{0} same-day invoices of one amount")
    @CsvSource({"3", "8", "9", "40", "180"})
    void eachEarlierInvoiceIsMatchedOnceWhateverTheNumberOfMatches(int sameDay) {
        // a carrier billing one amount many times a day: every earlier invoice of the day matches
        // SAME_AMOUNT_AND_DATE, and some are under both of the probe's keys (the number bucket too)
        SeenInvoice probe = seen("p", "CARR-5000", 49_900, 200);
        SeenInvoice[] amountBucket = new SeenInvoice[sameDay];
        for (int i = 0; i < sameDay; i++) {
            amountBucket[i] = seen("c" + i, "CARR-" + (1000 + i), 49_900, 200);
        }
        SeenInvoice[] numberBucket = {amountBucket[sameDay - 1], amountBucket[0]};
        DuplicateDetector.Result r = DuplicateDetector.find(
                probe, new SeenInvoice[][] {numberBucket, amountBucket}, Long.MAX_VALUE / 4, 7, 500);

        assertThat(r.kind).isEqualTo(MatchKind.SAME_AMOUNT_AND_DATE);
        assertThat(r.matches).extracting(m -> m.invoiceId).doesNotHaveDuplicates().hasSize(sameDay);
        // the number bucket's two first, then the amount bucket's others in their order
        assertThat(r.matches.get(0).invoiceId).isEqualTo("c" + (sameDay - 1));
        assertThat(r.matches.get(1).invoiceId).isEqualTo("c0");
        for (int i = 2; i < sameDay; i++) {
            assertThat(r.matches.get(i).invoiceId).isEqualTo("c" + (i - 1));
        }
        assertThat(r.compared).isEqualTo(sameDay);
        assertThat(r.candidates).isEqualTo(sameDay);
    }

    @Test
    void aBetterMatchFoundAfterManyWeakOnesStillLeadsAndIsNotCountedTwice() {
        SeenInvoice probe = seen("p", "INV-7777", 49_900, 200);
        SeenInvoice[] amountBucket = new SeenInvoice[30];
        for (int i = 0; i < 29; i++) {
            amountBucket[i] = seen("c" + i, "X-" + (1000 + i), 49_900, 200);
        }
        amountBucket[29] = seen("orig", "INV-7777", 49_900, 200);
        DuplicateDetector.Result r = DuplicateDetector.find(
                probe, new SeenInvoice[][] {null, amountBucket, amountBucket}, Long.MAX_VALUE / 4, 7, 500);

        assertThat(r.kind).isEqualTo(MatchKind.EXACT);
        assertThat(r.matches.get(0).invoiceId).isEqualTo("orig");
        assertThat(r.matches).extracting(m -> m.invoiceId).doesNotHaveDuplicates().hasSize(30);
        assertThat(r.compared).as("the second pass over the same bucket finds every id matched").isEqualTo(30);
    }
}
