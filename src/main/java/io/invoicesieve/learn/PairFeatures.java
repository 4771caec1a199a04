package io.invoicesieve.learn;

import io.invoicesieve.detect.duplicates.DuplicateDetector;
import io.invoicesieve.detect.duplicates.InvoiceNumbers;
import io.invoicesieve.detect.duplicates.MatchKind;
import io.invoicesieve.state.SeenInvoice;

import org.apache.commons.text.similarity.JaroWinklerSimilarity;

import java.util.List;

/**
 * The features of a candidate pair (an invoice and an earlier one of the same vendor under one of
 * its blocking keys), the same in the job (scored for candidate pairs only) and in the {@code train}
 * tool (which replays the invoices through the same blocking). Plain doubles, no allocation but the
 * caller's array.
 */
public final class PairFeatures {

    /** Feature names, in the order of the vector; a model artifact must list exactly these. */
    public static final List<String> NAMES = List.of(
            "exact_number",         // raw numbers equal
            "equivalent_number",    // equal once OCR confusions, separators, case, leading zeros are folded
            "affix_or_digits",      // a short prefix/suffix added or dropped, or the same digit groups
            "number_similarity",    // Jaro-Winkler of the raw numbers
            "same_amount",
            "amount_typo",          // transposed digits or within 1%
            "log_amount_ratio",     // |ln(a / b)|, capped at 3
            "log_days_apart",       // ln(1 + |invoice date difference in days|)
            "log_hours_between",    // ln(1 + |event time difference in hours|)
            "same_date",
            "log_amount_bucket",    // ln(1 + earlier invoices of the vendor with this exact amount): its base rate of repeats
            "log_number_bucket",    // ln(1 + earlier invoices of the vendor with this normalized number)
            "rule_score");          // the rules' own score of the pair (MatchKind.score, 0 when no rule matches)

    public static final int SIZE = NAMES.size();

    private static final JaroWinklerSimilarity JARO_WINKLER = new JaroWinklerSimilarity();

    private PairFeatures() {}

    /**
     * Fills {@code out} with the features of ({@code probe}, {@code candidate}); {@code numberBucket}
     * and {@code amountBucket} are the sizes of the probe's two candidate buckets (earlier invoices of
     * the vendor under its number and its amount). Returns the rules' match kind (or null).
     */
    public static MatchKind compute(SeenInvoice probe, SeenInvoice candidate, int numberBucket, int amountBucket,
            int dateToleranceDays, double[] out) {
        MatchKind kind = DuplicateDetector.match(probe, candidate, dateToleranceDays);
        boolean sameAmount = probe.amountMilli == candidate.amountMilli;
        out[0] = probe.invoiceNumber.equals(candidate.invoiceNumber) ? 1 : 0;
        out[1] = probe.normalizedNumber.equals(candidate.normalizedNumber) ? 1 : 0;
        out[2] = InvoiceNumbers.affixVariant(probe.normalizedNumber, candidate.normalizedNumber, 4)
                        || InvoiceNumbers.sameDigitSkeleton(probe.invoiceNumber, candidate.invoiceNumber)
                ? 1 : 0;
        out[3] = JARO_WINKLER.apply(probe.invoiceNumber, candidate.invoiceNumber);
        out[4] = sameAmount ? 1 : 0;
        out[5] = !sameAmount && probe.currency.equals(candidate.currency)
                        && InvoiceNumbers.amountTypo(probe.amountMilli, candidate.amountMilli)
                ? 1 : 0;
        double ratio = probe.amountMilli > 0 && candidate.amountMilli > 0
                ? Math.abs(Math.log((double) probe.amountMilli / candidate.amountMilli))
                : 3;
        out[6] = Math.min(3, ratio);
        int days = Math.abs(probe.invoiceDay - candidate.invoiceDay);
        out[7] = Math.log1p(days);
        out[8] = Math.log1p(Math.abs(probe.eventTime - candidate.eventTime) / 3_600_000.0);
        out[9] = days == 0 ? 1 : 0;
        out[10] = Math.log1p(amountBucket);
        out[11] = Math.log1p(numberBucket);
        out[12] = kind == null ? 0 : kind.score;
        return kind;
    }
}
